import { defineErrors } from '../../platform/errors.js';

export const ReportErrors = defineErrors({
  REPORT_TEMPLATE_INVALID: { status: 400, zh: '报表模板有误：{reason}', en: 'The report template is invalid: {reason}' },
  REPORT_FIELD_NOT_GRANTED: { status: 403, zh: '本部门未获授权使用字段：{fields}（请先申请数据授权）', en: 'Your department is not granted: {fields} (ask for a data grant first)' },
  REPORT_TOO_MANY_CELLS: { status: 400, zh: '分组过细：每份报表约 {cells} 个单元格，超过上限 {limit}', en: 'The grouping is too fine: about {cells} cells per report, above the limit of {limit}' },
  REPORT_TEMPLATE_NOT_FOUND: { status: 404, zh: '未找到该报表模板', en: 'No such report template' },
  REPORT_TEMPLATE_STATE: { status: 409, zh: '该模板当前状态为“{status}”，不能{action}', en: 'The template is {status}; it cannot be {action}' },
  REPORT_TEMPLATE_NOT_APPROVED: { status: 409, zh: '只有审核通过的报表才能下发（当前状态：{status}）', en: 'Only an approved template can be sent down (it is {status})' },
  REPORT_TEMPLATE_CODE_TAKEN: { status: 409, zh: '报表编号 {code} 已被使用', en: 'Report code {code} is already used' },
  REPORT_REASON_REQUIRED: { status: 400, zh: '请填写理由', en: 'Give a reason' },
  REPORT_MERGE_TARGET: { status: 400, zh: '合并目标须是已批准的其他报表', en: 'Merge into another, approved template' },
  REPORT_DUE_NOT_FOUND: { status: 404, zh: '未找到该待报报表，或不在您的管辖范围内', en: 'No such due report in your area' },
  REPORT_DUE_CLOSED: { status: 409, zh: '该报表任务已{status}，不能再报送', en: 'This due report is {status}; it cannot be submitted' },
  REPORT_NOT_YOUR_UNIT: { status: 403, zh: '只有{unit}可以报送这份报表', en: 'Only {unit} submits this report' },
  REPORT_MANUAL_INVALID: { status: 400, zh: '手工填报项“{field}”：{reason}', en: 'Hand-entered item "{field}": {reason}' },
  REPORT_PREVIEW_STALE: { status: 409, zh: '预览后基础数据已变化，请核对新的数据后再报送', en: 'The base data changed since the preview; check the new figures and submit again' },
  REPORT_SUBMISSION_NOT_FOUND: { status: 404, zh: '未找到该报表，或不在您的查看范围内', en: 'No such submission in your view' },
  REPORT_CELL_UNKNOWN: { status: 400, zh: '没有这个单元格：{cell}', en: 'No such cell: {cell}' },
  REPORT_CELL_SUPPRESSED: { status: 403, zh: '该数字因小于 {threshold} 已做隐私保护，不能查看明细', en: 'This figure is under {threshold} and suppressed for privacy; its records cannot be listed' },
  REPORT_DRILL_NOT_ALLOWED: { status: 403, zh: '您无权查看明细记录（需要基础数据读取权限或部门授权）', en: 'You may not list the records (needs base-data access or a department grant)' },
  REPORT_FORM_INVALID: { status: 400, zh: '表样文件有误：{reason}', en: 'The form file is invalid: {reason}' },
  REPORT_NO_FORM: { status: 404, zh: '该报表没有上传表样', en: 'No form was uploaded for this template' },
});
