// The work channel's refusals: a stable code, an HTTP status, a message in both languages.
import { defineErrors } from '../../platform/errors.js';

export const WorkChannelErrors = defineErrors({
  CHANNEL_ITEM_NOT_FOUND: { status: 404, zh: '未找到该事项，或不在您的管辖范围内', en: 'No such item in your area' },
  CHANNEL_TASK_NOT_FOUND: { status: 404, zh: '未找到该任务，或不是您所在单位发出的', en: 'No such task sent from your unit' },
  DUTY_ITEM_REQUIRED: { status: 400, zh: '任务必须引用一项已准入的职责事项（权责清单）', en: 'A task must cite an admitted duty item (duty lists)' },
  DUTY_ITEM_NOT_ADMITTED: { status: 422, zh: '职责事项 {itemId} 不在{township}的权责清单上，不能向{unit}派发', en: 'Duty item {itemId} is not admitted on the duty lists of {township}, so it cannot be sent to {unit}' },
  DUTY_ITEM_TAKEN_BACK: { status: 422, zh: '“{item}”已由上级部门收回，不能再派给{township}', en: '"{item}" was taken back by the upper department and cannot be sent to {township}' },
  DUTY_ITEM_OUTSIDE_REMIT: { status: 403, zh: '“{item}”的对应上级部门不是您的部门，不能以此派发任务', en: '"{item}" belongs to another upper department: your department cannot send tasks under it' },
  DUTY_LISTS_UNAVAILABLE: { status: 503, zh: '权责清单尚未接入，暂不能派发任务（不会绕过准入）', en: 'The duty lists are not connected yet, so no task can be sent (admission is never bypassed)' },
  CHANNEL_UNIT_INVALID: { status: 422, zh: '接收单位 {unitId} 不是您下辖的街道、社区或网格', en: 'Receiving unit {unitId} is not a street, community or grid below you' },
  CHANNEL_NO_UNITS: { status: 400, zh: '请选择至少一个接收单位', en: 'Choose at least one receiving unit' },
  CHANNEL_TOO_MANY_UNITS: { status: 400, zh: '一次最多发给 {max} 个单位', en: 'At most {max} units at once' },
  CHANNEL_DEADLINE_INVALID: { status: 400, zh: '截止日期{reason_zh}', en: 'The deadline {reason_en}' },
  CHANNEL_LINK_UNKNOWN: { status: 422, zh: '所链接的报表“{code}”不存在或未经备案批准', en: 'The linked report "{code}" does not exist or is not approved' },
  CHANNEL_RESULT_REQUIRED: { status: 400, zh: '办结任务需填写办理结果', en: 'Say what was done to complete the task' },
  CHANNEL_ALREADY_DONE: { status: 409, zh: '该事项已办结', en: 'This item is already done' },
  CHANNEL_ATTACHMENT_INVALID: { status: 422, zh: '附件 {id} 不存在、已被使用，或不是您上传的', en: 'Attachment {id} does not exist, is already used, or was not uploaded by you' },
  CHANNEL_ATTACHMENT_MISSING: { status: 400, zh: '请选择要上传的文件', en: 'Choose a file to upload' },
  CHANNEL_ATTACHMENT_TOO_LARGE: { status: 413, zh: '附件过大：最大 {limitMb} MB', en: 'The attachment is too large: at most {limitMb} MB' },
  CHANNEL_TASK_CANCELLED: { status: 409, zh: '该任务已撤回', en: 'This task was withdrawn' },
  WHISTLE_NOT_FOUND: { status: 404, zh: '未找到该吹哨事项，或不在您的管辖范围内', en: 'No such whistle in your area' },
  WHISTLE_STREET_ONLY: { status: 403, zh: '只有街道（乡镇）可以吹哨', en: 'Only a street or township can blow the whistle' },
  WHISTLE_DEPARTMENT_INVALID: { status: 422, zh: '部门 {departmentId} 的管辖范围不含本街道，不能召集', en: 'Department {departmentId} has no jurisdiction over this street and cannot be summoned' },
  WHISTLE_DEADLINE_INVALID: { status: 400, zh: '{reason_zh}', en: '{reason_en}' },
  WHISTLE_STEP_OUT_OF_ORDER: { status: 409, zh: '报到须依次进行：先接单，再派人到场，最后处置（当前：{status_zh}）', en: 'Report in order: acknowledge, then send staff, then act (now: {status_en})' },
  WHISTLE_CLOSED: { status: 409, zh: '该吹哨事项已办结', en: 'This whistle is closed' },
});
