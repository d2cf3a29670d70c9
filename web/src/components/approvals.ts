// Approval requests (separation of duties): what an administrator's write answers when another
// person must approve it, and how the pages speak of them.
import type { Text2 } from '../features/types';

export interface Approval {
  id: number;
  kind: 'account.create' | 'account.update' | 'grant.unmask' | 'token.personal_data';
  summary: string;
  reason: string;
  treePath: string;
  payload: Record<string, unknown>;
  decidedWith: 'approvals:accounts' | 'approvals:data';
  requestedBy: number;
  requestedAt: string;
  expiresAt: string;
  status: 'pending' | 'approved' | 'rejected' | 'cancelled' | 'expired';
  decidedBy: number | null;
  decidedAt: string | null;
  decisionReason: string | null;
  resultId: number | null;
  collectable: boolean;
}

export const kindNames: Record<Approval['kind'], Text2> = {
  'account.create': ['新建账号', 'New account'],
  'account.update': ['修改账号', 'Account change'],
  'grant.unmask': ['不遮蔽授权', 'Unmasking grant'],
  'token.personal_data': ['个人信息机器凭证', 'Personal-data machine token'],
};

export const deciderNames: Record<Approval['decidedWith'], Text2> = {
  'approvals:accounts': ['审计员', 'an auditor'],
  'approvals:data': ['安全管理员', 'a security officer'],
};

export const statusNames: Record<Approval['status'], [string, string, string]> = {
  pending: ['待审批', 'pending', 'gold'],
  approved: ['已批准', 'approved', 'green'],
  rejected: ['已驳回', 'rejected', 'red'],
  cancelled: ['已撤回', 'withdrawn', 'default'],
  expired: ['已过期', 'expired', 'default'],
};

/** A write answered 202: the request that now waits for an approver. */
export function pendingOf(res: unknown): Approval | null {
  const a = (res as { approval?: Approval } | undefined)?.approval;
  return a && typeof a.id === 'number' ? a : null;
}
