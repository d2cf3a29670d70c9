// The duty lists pages (权责清单): a township's three lists with their versions, the city
// catalogue, admission of new work (准入) and hand-backs (事项退回).
import { AuditOutlined, ProfileOutlined, RollbackOutlined, SnippetsOutlined } from '@ant-design/icons';
import { createElement, lazy } from 'react';
import type { Feature } from '../types';

export const dutyListsFeature: Feature = {
  key: 'dutyLists',
  routes: [
    { path: '/duty-lists', component: lazy(() => import('./DutyListsPage')), permission: 'duty:read' },
    { path: '/duty-lists/:id/versions', component: lazy(() => import('./VersionsPage')), permission: 'duty:read' },
    { path: '/duty-catalogue', component: lazy(() => import('./CataloguePage')), permission: 'duty:read' },
    { path: '/duty-admissions', component: lazy(() => import('./AdmissionsPage')), permission: 'duty:read' },
    { path: '/duty-handbacks', component: lazy(() => import('./HandbacksPage')), permission: 'duty:read' },
  ],
  menu: [
    { key: 'duty-lists', path: '/duty-lists', label: ['权责清单', 'Duty lists'], icon: createElement(ProfileOutlined), group: 'department', order: 30, permission: 'duty:read' },
    { key: 'duty-admissions', path: '/duty-admissions', label: ['事项准入', 'Work admission'], icon: createElement(AuditOutlined), group: 'department', order: 32, permission: ['duty:apply', 'duty:review', 'duty:manage'] },
    { key: 'duty-handbacks', path: '/duty-handbacks', label: ['事项退回', 'Hand-backs'], icon: createElement(RollbackOutlined), group: 'department', order: 34, permission: ['duty:manage', 'duty:apply', 'duty:review'] },
    { key: 'duty-catalogue', path: '/duty-catalogue', label: ['通用事项目录', 'Common catalogue'], icon: createElement(SnippetsOutlined), group: 'department', order: 36, permission: 'duty:read' },
  ],
};
