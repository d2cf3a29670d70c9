import { KeyOutlined, SafetyOutlined, TagsOutlined, UserOutlined } from '@ant-design/icons';
import { createElement, lazy } from 'react';
import type { Feature } from '../types';

export const adminFeature: Feature = {
  key: 'admin',
  routes: [
    { path: '/admin/users', component: lazy(() => import('./UsersPage')), permission: 'users:manage' },
    { path: '/admin/security', component: lazy(() => import('./SecurityPage')), permission: ['policy:manage', 'tokens:manage'] },
    { path: '/admin/grants', component: lazy(() => import('./GrantsPage')), permission: 'grants:manage' },
    { path: '/admin/labels', component: lazy(() => import('./LabelsPage')), permission: 'labels:manage' },
  ],
  menu: [
    { key: 'admin-users', path: '/admin/users', label: ['账号管理', 'Accounts'], icon: createElement(UserOutlined), group: 'admin', order: 10, permission: 'users:manage' },
    { key: 'admin-grants', path: '/admin/grants', label: ['部门授权', 'Department grants'], icon: createElement(KeyOutlined), group: 'admin', order: 20, permission: 'grants:manage' },
    { key: 'admin-labels', path: '/admin/labels', label: ['标签与维护周期', 'Labels and reviews'], icon: createElement(TagsOutlined), group: 'admin', order: 30, permission: 'labels:manage' },
    { key: 'admin-security', path: '/admin/security', label: ['安全设置', 'Security'], icon: createElement(SafetyOutlined), group: 'admin', order: 40, permission: ['policy:manage', 'tokens:manage'] },
  ],
  home: [{ path: '/admin/users', permission: 'users:manage', roles: ['admin'], priority: 5 }],
};

