// The account administration's refusals, each with a stable code and a message in both languages.
import { defineErrors } from '../../platform/errors.js';

export const AccountErrors = defineErrors({
  ACCOUNT_ROLE_NODE_MISMATCH: { status: 400, zh: '{role} 账号应设在{level}一级', en: 'A {role} account belongs on a {level} node' },
  ACCOUNT_DEPARTMENT_REQUIRED: { status: 400, zh: '部门工作人员必须指定所属部门', en: 'Department staff need a department' },
  ACCOUNT_PASSWORD_BY_APPROVER: { status: 400, zh: '此账号的初始密码由审批人生成并交给本人，管理员不设置', en: 'The approver makes this account’s initial password and hands it to the person; the administrator does not set it' },
  ACCOUNT_PASSWORD_REQUIRED: { status: 400, zh: '请设置初始密码', en: 'Set an initial password' },
});
