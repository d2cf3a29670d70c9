import { FlagOutlined, MergeCellsOutlined, ScheduleOutlined, TeamOutlined } from '@ant-design/icons';
import { createElement, lazy } from 'react';
import type { Feature } from '../types';

export const residentsFeature: Feature = {
  key: 'residents',
  routes: [
    { path: '/residents', component: lazy(() => import('./ResidentListPage')), permission: 'registry:read' },
    { path: '/residents/new', component: lazy(() => import('./NewResidentPage')), permission: 'registry:write' },
    { path: '/residents/:id', component: lazy(() => import('./ResidentCardPage')), permission: ['registry:read', 'registry:lookup'] },
    { path: '/stale', component: lazy(() => import('./StaleTodoPage')), permission: 'registry:read' },
    { path: '/duplicates', component: lazy(() => import('./DuplicatesPage')), permission: 'registry:merge' },
    { path: '/label-proposals', component: lazy(() => import('./ProposalsPage')), permission: ['registry:read', 'registry:supplement'] },
  ],
  menu: [
    { key: 'stale', path: '/stale', label: ['待维护', 'Due for review'], icon: createElement(ScheduleOutlined), group: 'overview', order: 30, permission: 'registry:read' },
    { key: 'residents', path: '/residents', label: ['居民', 'Residents'], icon: createElement(TeamOutlined), group: 'base', order: 10, permission: 'registry:read' },
    { key: 'duplicates', path: '/duplicates', label: ['疑似重复', 'Duplicates'], icon: createElement(MergeCellsOutlined), group: 'base', order: 50, permission: 'registry:merge' },
    { key: 'label-proposals', path: '/label-proposals', label: ['标签提议', 'Label proposals'], icon: createElement(FlagOutlined), group: 'base', order: 60, permission: 'registry:read' },
  ],
  // A grid worker's day starts from the to-do list, not from charts.
  home: [{ path: '/stale', permission: 'visits:write', roles: ['grid_worker'], priority: 50 }],
};
