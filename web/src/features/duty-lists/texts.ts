// Words the duty-list pages share: the three lists, the fields of an item, statuses.
import type { ResponseOf } from '../../api/typed';

export type ListKind = 'basic' | 'cooperative' | 'taken_back';
export type Item = ResponseOf<'/api/duty-lists/townships/{id}'>['items'][number];
export type Lists = ResponseOf<'/api/duty-lists/townships/{id}'>;
export type SnapshotItem = ResponseOf<'/api/duty-lists/townships/{id}/versions/{no}'>['items'][number];
export type Admission = ResponseOf<'/api/duty-admissions/{id}'>;
export type Handback = ResponseOf<'/api/duty-handbacks/{id}'>;

export const listKinds: ListKind[] = ['basic', 'cooperative', 'taken_back'];

export const listName: Record<ListKind, readonly [string, string]> = {
  basic: ['基本履职事项', 'Basic duties'],
  cooperative: ['配合履职事项', 'Cooperative duties'],
  taken_back: ['上级部门收回事项', 'Taken back by upper departments'],
};

export const fieldName: Record<string, readonly [string, string]> = {
  listKind: ['所在清单', 'List'],
  name: ['事项名称', 'Item'],
  category: ['事项类别', 'Category'],
  basis: ['法律政策依据', 'Legal or policy basis'],
  carrier: ['责任主体', 'Carried by'],
  departmentId: ['对应上级部门（系统）', 'Upper department (platform)'],
  departmentName: ['对应上级部门', 'Upper department'],
  cooperation: ['配合内容', 'What the township does'],
  communityInvolved: ['社区是否参与', 'Communities take part'],
};

export const versionKind: Record<string, readonly [string, string]> = {
  adopt: ['采用目录', 'Catalogue adopted'],
  add: ['新增事项', 'Item added'],
  update: ['调整事项', 'Item adjusted'],
  remove: ['取消事项', 'Item removed'],
  move: ['调整清单类别', 'Moved between lists'],
  import: ['导入清单', 'Imported'],
  admission: ['准入新增', 'Admitted'],
  handback: ['退回上级部门', 'Handed back'],
};

export const admissionStatus: Record<string, readonly [string, string, string]> = {
  pending: ['待审核', 'Pending', 'processing'],
  admitted: ['已准入', 'Admitted', 'success'],
  refused: ['未准入', 'Refused', 'error'],
};

export const adviceName: Record<string, readonly [string, string, string]> = {
  admit: ['未发现冲突，可准入', 'No conflict found', 'success'],
  review: ['有相近事项，请核实', 'Similar items: check them', 'warning'],
  refuse: ['与清单冲突，建议不予准入', 'Conflicts with the lists: refusal advised', 'error'],
};

export const handbackStatus: Record<string, readonly [string, string, string]> = {
  pending_department: ['待部门答复', 'Waiting for the department', 'processing'],
  pending_review: ['待审核决定', 'Waiting for the reviewer', 'warning'],
  returned: ['已退回上级部门', 'Handed back', 'success'],
  kept: ['保留在清单', 'Kept on the list', 'default'],
};

export const handbackReason: Record<string, readonly [string, string]> = {
  cannot_carry: ['无力承接', 'Cannot carry it'],
  not_performed: ['长期未实际履行', 'Never actually performed'],
  other: ['其他原因', 'Other reason'],
};
