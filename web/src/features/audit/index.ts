import { AuditOutlined } from '@ant-design/icons';
import { createElement, lazy } from 'react';
import type { Feature } from '../types';

export const auditFeature: Feature = {
  key: 'audit',
  routes: [{ path: '/audit', component: lazy(() => import('./AuditPage')), permission: 'audit:read' }],
  menu: [{ key: 'audit', path: '/audit', label: ['审计日志', 'Audit log'], icon: createElement(AuditOutlined), group: 'audit', order: 10, permission: 'audit:read' }],
  home: [{ path: '/audit', permission: 'audit:read', roles: ['auditor'], priority: 60 }],
};
