import { FileSearchOutlined, FlagOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { createElement, lazy } from 'react';
import type { Feature } from '../types';

export const departmentFeature: Feature = {
  key: 'department',
  routes: [
    { path: '/lookup', component: lazy(() => import('./LookupPage')), permission: 'registry:lookup' },
    { path: '/grants/mine', component: lazy(() => import('./MyGrantsPage')), permission: ['registry:lookup', 'registry:supplement'] },
  ],
  menu: [
    { key: 'lookup', path: '/lookup', label: ['实时调阅', 'Live look-up'], icon: createElement(FileSearchOutlined), group: 'department', order: 10, permission: 'registry:lookup' },
    // The queue of labels this department keeps that communities proposed (page in residents/).
    { key: 'proposal-queue', path: '/label-proposals', label: ['待确认标签', 'Labels to confirm'], icon: createElement(FlagOutlined), group: 'department', order: 15, permission: 'registry:supplement' },
    { key: 'my-grants', path: '/grants/mine', label: ['我的授权', 'My grants'], icon: createElement(SafetyCertificateOutlined), group: 'department', order: 20, permission: ['registry:lookup', 'registry:supplement'] },
  ],
  home: [{ path: '/lookup', permission: 'registry:lookup', roles: ['department_staff'], priority: 40 }],
};
