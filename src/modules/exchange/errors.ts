import { defineErrors } from '../../platform/app-error.js';
import { DocumentErrors } from '../../platform/documents/errors.js';

export const ExchangeErrors = {
  // IMPORT_TOO_LARGE and IMPORT_TOO_MANY_ROWS: the limits of reading an uploaded sheet.
  ...DocumentErrors,
  ...defineErrors({
  IMPORT_FILE_MISSING: { status: 400, zh: '请选择要上传的表格文件（multipart 字段 file）', en: 'Choose the spreadsheet to upload (multipart field "file")' },
  IMPORT_FILE_EMPTY: { status: 400, zh: '上传的文件是空的', en: 'The uploaded file is empty' },
  IMPORT_FILE_TOO_LARGE: { status: 413, zh: '文件超过上传上限 {limitMb} MB，请拆分后分批导入', en: 'The file exceeds the upload limit of {limitMb} MB; split it and import in parts' },
  IMPORT_NOT_SPREADSHEET: { status: 400, zh: '文件不是 Excel（.xlsx）或 CSV 表格：{reason}', en: 'The file is not an Excel (.xlsx) or CSV sheet: {reason}' },
  IMPORT_LEGACY_XLS: {
    status: 400,
    zh: '这是旧版 Excel（.xls）文件或加密的工作簿，无法读取。请在 Excel 或 WPS 中“另存为”.xlsx 格式（并取消密码）后再上传',
    en: 'This is a legacy Excel (.xls) file or an encrypted workbook. Save it as .xlsx (without a password) in Excel or WPS and upload again',
  },
  IMPORT_FILE_CORRUPT: { status: 400, zh: '无法读取该表格文件（{reason}），文件可能已损坏', en: 'The spreadsheet cannot be read ({reason}); the file may be damaged' },
  IMPORT_SHEET_NOT_FOUND: { status: 400, zh: '工作簿中没有名为“{sheet}”的工作表', en: 'The workbook has no sheet named "{sheet}"' },
  IMPORT_NO_DATA: { status: 400, zh: '工作表“{sheet}”中没有数据', en: 'The sheet "{sheet}" holds no data' },
  IMPORT_NO_HEADER: { status: 400, zh: '在前 {rows} 行中没有找到表头（如“姓名”“身份证号”），请确认选择了正确的工作表和记录类型', en: 'No header row (such as 姓名 or 身份证号) in the first {rows} rows; check the sheet and the record kind' },
  IMPORT_REQUIRED_COLUMN_MISSING: { status: 400, zh: '表格中没有“{column}”列，无法导入{kind}', en: 'The sheet has no "{column}" column, which importing {kind} requires' },
  IMPORT_MAPPING_INVALID: { status: 400, zh: '列对应关系不正确：{reason}', en: 'Invalid column mapping: {reason}' },
  IMPORT_TARGET_INVALID: { status: 400, zh: '请选择要导入的社区（或其下的网格）', en: 'Choose the community (or one of its grids) to import into' },
  IMPORT_GRID_INVALID: { status: 400, zh: '默认网格必须是本社区下在用的网格', en: 'The default grid must be an active grid of the community' },
  IMPORT_NOT_FOUND: { status: 404, zh: '未找到该导入批次，或不在您的管辖范围内', en: 'No such import in your area' },
  IMPORT_STATE: { status: 409, zh: '该导入当前状态为“{state}”，不能{action}', en: 'The import is {state}; it cannot {action}' },
  IMPORT_REPORT_EXPIRED: { status: 410, zh: '该导入的错误明细已超过保留期（{days} 天）并已清除', en: 'The error details of this import were purged after {days} days' },
  IMPORT_RUNNER_GONE: { status: 409, zh: '导入人的账号已停用或不存在，导入已停止', en: 'The account that started the import is disabled or gone; the import stopped' },
  IMPORT_PLACES_INVALID: { status: 400, zh: '无法新建“{name}”：{reason}', en: 'Cannot create "{name}": {reason}' },
  EXPORT_KIND_INVALID: { status: 400, zh: '不能导出这种记录：{kind}', en: 'Cannot export records of kind {kind}' },
}),
};
