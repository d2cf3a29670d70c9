// Roles and what each may do. Routes name the permission they need (`config.permission`); the
// auth plugin checks it in one place, and the web menu is built from the same list.

export const roles = [
  'community_worker', // 社区两委/社工
  'grid_worker', // 网格员
  'street_staff', // 街道/乡镇工作人员
  'department_staff', // 职能部门 (民政, 公安, 卫健 …)
  'reviewer', // 减负办/组织部 burden-reduction reviewer
  'assessment_office', // 考核办
  'staffing_office', // 编办
  'auditor', // 审计员 (审计管理员): reads the audit log; approves accounts of the oversight roles
  'security_officer', // 安全管理员: approves grants and machine tokens that reveal personal data
  'admin', // 系统管理员: accounts, policies, grants; never the audit log, never its own approvals
] as const;
export type Role = (typeof roles)[number];

export const gridWorkerKinds = ['full_time', 'part_time', 'professional'] as const; // 专职 / 兼职 / 专业
export type GridWorkerKind = (typeof gridWorkerKinds)[number];

export const roleNames: Record<Role, { zh: string; en: string }> = {
  community_worker: { zh: '社区工作者', en: 'Community worker' },
  grid_worker: { zh: '网格员', en: 'Grid worker' },
  street_staff: { zh: '街道（乡镇）干部', en: 'Street / township staff' },
  department_staff: { zh: '部门工作人员', en: 'Department staff' },
  reviewer: { zh: '减负审核员', en: 'Burden-reduction reviewer' },
  assessment_office: { zh: '考核办', en: 'Assessment office' },
  staffing_office: { zh: '编办', en: 'Staffing office' },
  auditor: { zh: '审计员', en: 'Auditor' },
  security_officer: { zh: '安全管理员', en: 'Security officer' },
  admin: { zh: '系统管理员', en: 'Administrator' },
};

export const permissions = [
  'tree:read',
  'tree:manage', // create, move, split grids; edit party organisations and leaders
  'dashboard:read',
  'users:manage',
  'policy:manage', // second-factor policy per role
  'tokens:manage', // machine tokens
  'grants:manage', // department field grants
  'audit:read',
  'registry:read', // base data in the caller's subtree
  'registry:write',
  'registry:import',
  'registry:export',
  'registry:merge',
  'registry:unmask', // reveal one ID number or phone, logged
  'registry:trail', // who read a resident's record
  'registry:lookup', // department live look-up within its grant (实时调阅)
  'registry:supplement', // department writes the fields it owns (动态补充)
  'labels:manage', // add label kinds and field policies
  'visits:write',
  'reports:draft', // department files a template
  'reports:review', // reviewer approves or rejects
  'reports:submit', // community/street makes and submits a report
  'reports:read',
  'reports:burden',
  'certificates:issue',
  'certificates:revoke',
  'certificates:read',
  'certificates:catalog',
  'assisted:write', // 帮办代办
  'devices:ingest',
  'approvals:accounts', // decide requests to create or change auditor and security-officer accounts
  'approvals:data', // decide requests for unmasking grants and personal-data machine tokens
  'approvals:read', // see every approval request and its outcome
  'duty:read', // 权责清单: read the duty lists of the caller's township(s), their versions and the catalogue
  'duty:manage', // a street keeps its own three lists: adopt, add, adjust, import, ask to hand an item back
  'duty:apply', // a department applies to push work down (准入) and answers hand-back requests on its items
  'duty:review', // 减负办 admits or refuses applications and decides hand-backs
  'duty:catalog', // keep the city-level catalogue of common items
  'calendar:manage', // load a year's public holidays and make-up working days (节假日安排)
  'channel:send', // send tasks and notices down the work channel (工作通道), citing an admitted duty item
  'channel:inbox', // the unit's one inbox: read, acknowledge and complete what was sent down
  'whistle:raise', // a street summons departments (街乡吹哨)
  'whistle:report', // a department reports to a whistle (部门报到): acknowledge, send staff, act
  'whistle:read', // whistles, response times and whistle rates in the caller's area
] as const;
export type Permission = (typeof permissions)[number];

export const rolePermissions: Record<Role, readonly Permission[]> = {
  community_worker: [
    'tree:read', 'dashboard:read', 'registry:read', 'registry:write', 'registry:import', 'registry:export', 'registry:merge',
    'registry:unmask', 'registry:trail', 'visits:write', 'reports:submit', 'reports:read', 'certificates:issue',
    'certificates:revoke', 'certificates:read', 'assisted:write', 'duty:read', 'channel:inbox',
  ],
  grid_worker: ['tree:read', 'dashboard:read', 'registry:read', 'registry:write', 'visits:write', 'assisted:write', 'channel:inbox'],
  street_staff: [
    'tree:read', 'tree:manage', 'dashboard:read', 'registry:read', 'registry:export', 'registry:trail', 'reports:submit', 'reports:read', 'certificates:read',
    'duty:read', 'duty:manage', 'channel:send', 'channel:inbox', 'whistle:raise', 'whistle:read',
  ],
  department_staff: ['tree:read', 'dashboard:read', 'registry:lookup', 'registry:supplement', 'reports:draft', 'reports:read', 'duty:read', 'duty:apply', 'channel:send', 'whistle:report', 'whistle:read'],
  reviewer: ['tree:read', 'dashboard:read', 'reports:review', 'reports:read', 'reports:burden', 'duty:read', 'duty:review', 'duty:catalog'],
  assessment_office: ['tree:read', 'dashboard:read', 'reports:read', 'duty:read', 'whistle:read'],
  staffing_office: ['tree:read', 'dashboard:read', 'duty:read', 'duty:catalog'],
  auditor: ['tree:read', 'audit:read', 'registry:trail', 'approvals:accounts', 'approvals:read'],
  security_officer: ['tree:read', 'approvals:data', 'approvals:read'],
  admin: ['tree:read', 'tree:manage', 'dashboard:read', 'users:manage', 'policy:manage', 'tokens:manage', 'grants:manage', 'labels:manage', 'certificates:catalog', 'calendar:manage'],
};

/**
 * Roles that watch the others (三员分立, MLPS level 3): their accounts are created and changed only
 * with the approval of an auditor, and their initial passwords go to the approver, never to the
 * administrator who asked.
 */
export const oversightRoles: readonly Role[] = ['auditor', 'security_officer'];

/** Permissions a machine token may carry. */
export const machinePermissions: readonly Permission[] = ['devices:ingest', 'registry:lookup', 'reports:read', 'tree:read'];

export function roleHas(role: Role, permission: Permission): boolean {
  return rolePermissions[role].includes(permission);
}
