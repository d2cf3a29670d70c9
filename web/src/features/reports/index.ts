// Reports (报表备案审批制, 一键报表): the community's due reports with one button, submissions read
// by every entitled department, template filing and review, and the reviewer's burden ledger.
import { AuditOutlined, FileDoneOutlined, FileSearchOutlined, FormOutlined, ThunderboltOutlined } from '@ant-design/icons';
import { createElement, lazy } from 'react';
import type { Feature } from '../types';

export const reportsFeature: Feature = {
  key: 'reports',
  routes: [
    { path: '/reports', component: lazy(() => import('./DueListPage')), permission: ['reports:submit', 'reports:read'] },
    { path: '/reports/due/:id', component: lazy(() => import('./DuePage')), permission: 'reports:submit' },
    { path: '/reports/submissions', component: lazy(() => import('./SubmissionsPage')), permission: 'reports:read' },
    { path: '/reports/submissions/:id', component: lazy(() => import('./SubmissionPage')), permission: 'reports:read' },
    { path: '/reports/consolidated', component: lazy(() => import('./ConsolidatedPage')), permission: 'reports:read' },
    { path: '/reports/templates', component: lazy(() => import('./TemplatesPage')), permission: ['reports:draft', 'reports:review', 'reports:read'] },
    { path: '/reports/templates/new', component: lazy(() => import('./TemplateEditorPage')), permission: 'reports:draft' },
    { path: '/reports/templates/:id', component: lazy(() => import('./TemplateDetailPage')), permission: ['reports:draft', 'reports:review', 'reports:read'] },
    { path: '/reports/templates/:id/edit', component: lazy(() => import('./TemplateEditorPage')), permission: ['reports:draft', 'reports:review'] },
    { path: '/reports/burden', component: lazy(() => import('./BurdenPage')), permission: 'reports:burden' },
  ],
  menu: [
    { key: 'reports', path: '/reports', label: ['一键报表', 'One-click reports'], icon: createElement(ThunderboltOutlined), group: 'services', order: 10, permission: 'reports:submit' },
    { key: 'report-submissions', path: '/reports/submissions', label: ['报表查阅', 'Submitted reports'], icon: createElement(FileSearchOutlined), group: 'department', order: 30, permission: 'reports:read' },
    { key: 'report-templates', path: '/reports/templates', label: ['报表备案', 'Report filing'], icon: createElement(FormOutlined), group: 'department', order: 31, permission: 'reports:draft' },
    { key: 'report-review', path: '/reports/templates?status=submitted', label: ['备案审核', 'Filings to review'], icon: createElement(AuditOutlined), group: 'department', order: 32, permission: 'reports:review' },
    { key: 'report-burden', path: '/reports/burden', label: ['减负台账', 'Burden ledger'], icon: createElement(FileDoneOutlined), group: 'department', order: 33, permission: 'reports:burden' },
  ],
};
