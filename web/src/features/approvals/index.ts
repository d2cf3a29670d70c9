import { AuditOutlined } from '@ant-design/icons';
import { createElement, lazy } from 'react';
import type { Feature } from '../types';

const who = ['approvals:read', 'approvals:accounts', 'approvals:data', 'users:manage', 'grants:manage', 'tokens:manage'] as const;

export const approvalsFeature: Feature = {
  key: 'approvals',
  routes: [{ path: '/approvals', component: lazy(() => import('./ApprovalsPage')), permission: who }],
  menu: [{ key: 'approvals', path: '/approvals', label: ['审批', 'Approvals'], icon: createElement(AuditOutlined), group: 'audit', order: 20, permission: who }],
  home: [{ path: '/approvals', permission: 'approvals:data', roles: ['security_officer'], priority: 60 }],
};
