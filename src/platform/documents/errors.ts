// Refusals of reading an uploaded document, whichever module reads it (the codes keep the names
// the importer gave them first).
import { defineErrors } from '../app-error.js';

export const DocumentErrors = defineErrors({
  IMPORT_TOO_MANY_ROWS: { status: 400, zh: '一个文件最多导入 {max} 行，这个文件超过了，请拆分后分批导入', en: 'A file may hold at most {max} rows and this one holds more; split it and import in parts' },
  IMPORT_TOO_LARGE: { status: 413, zh: '文件超出了导入的限度：{limit}。请检查文件是否正确，或拆分后分批导入', en: 'The file goes past a limit of importing: {limit}. Check the file, or split it and import in parts' },
});
