import { defineErrors } from '../../platform/errors.js';

export const RegistryErrors = defineErrors({
  RECORD_NOT_FOUND: { status: 404, zh: '未找到该记录，或不在您的管辖范围内', en: 'No such record in your area' },
  RECORD_INVALID: { status: 400, zh: '{field}：{reason}', en: '{field}: {reason}' },
  RECORD_VERSION_CONFLICT: { status: 409, zh: '该记录已被他人修改（当前版本 {current}，您编辑的是版本 {expected}），请刷新后再改', en: 'Someone else changed this record (now version {current}, you edited version {expected}); reload and edit again' },
  RESIDENT_DUPLICATE_ID: { status: 409, zh: '该证件号码已登记（{where}），一人只能有一条记录', en: 'This ID number is already registered ({where}); one person has one record' },
  RESIDENT_REGISTERED_ELSEWHERE: {
    status: 409,
    zh: '该证件号码已在其他地方登记，一人只能有一条记录；如此人已迁入本辖区，请联系街道办理迁移',
    en: 'This ID number is already registered elsewhere; one person has one record. If the person has moved here, ask the street to transfer the record',
  },
  RESIDENT_SEARCH_USE_POST: {
    status: 400,
    zh: '身份证号、电话等号码不能放在网址中查询（网址会被记入日志），请用 POST /api/residents/search 在请求体中发送',
    en: 'ID numbers and phones must not travel in a URL (URLs are logged): send them in the body of POST /api/residents/search',
  },
  RESIDENT_SEARCH_NUMBER_INVALID: { status: 400, zh: '请输入完整的身份证号、证件号码或电话号码，或其后四位', en: 'Give a whole ID number, document number or phone, or its last four characters' },
  ORGANISATION_DUPLICATE_CREDIT_CODE: { status: 409, zh: '该统一社会信用代码已登记（{where}）', en: 'This credit code is already registered ({where})' },
  GRID_REQUIRED: { status: 400, zh: '请选择记录所属的网格', en: 'Choose the grid the record belongs to' },
  GRID_OUT_OF_SCOPE: { status: 404, zh: '所选网格不存在或不在您的管辖范围内', en: 'The chosen grid is not in your area' },
  REFERENCE_OUT_OF_SCOPE: { status: 400, zh: '{field} 指向的记录不存在或不在同一社区', en: '{field} points to a record that does not exist or is in another community' },
  FIELD_NOT_WRITABLE: { status: 403, zh: '您无权修改字段：{fields}', en: 'You may not change: {fields}' },
  FIELD_NOT_GRANTED: { status: 403, zh: '未授权读取字段：{fields}', en: 'Not granted: {fields}' },
  LABEL_UNKNOWN: { status: 400, zh: '没有这个标签：{code}', en: 'No such label: {code}' },
  LABEL_NOT_OWNED: { status: 403, zh: '标签“{label}”由{owner}维护，您不能修改', en: 'The label "{label}" is kept by {owner}; you cannot change it' },
  REASON_REQUIRED: { status: 400, zh: '请填写查询事由', en: 'State the purpose of this look-up' },
  MERGE_INVALID: { status: 400, zh: '无法合并：{reason}', en: 'Cannot merge: {reason}' },
  NOT_A_SECRET_FIELD: { status: 400, zh: '字段 {field} 无需解除遮蔽', en: 'Field {field} is not masked' },
  GRANT_INVALID: { status: 400, zh: '授权不正确：{reason}', en: 'Invalid grant: {reason}' },
});
