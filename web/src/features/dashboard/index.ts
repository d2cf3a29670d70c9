import { createElement, lazy } from 'react';
import { DashboardOutlined, EnvironmentOutlined } from '@ant-design/icons';
import type { Feature } from '../types';

export const dashboardFeature: Feature = {
  key: 'dashboard',
  routes: [
    { path: '/dashboard', component: lazy(() => import('./DashboardPage')), permission: 'dashboard:read' },
    { path: '/map', component: lazy(() => import('./MapPage')), permission: 'tree:read' },
  ],
  menu: [
    { key: 'dashboard', path: '/dashboard', label: ['首页看板', 'Dashboard'], icon: createElement(DashboardOutlined), group: 'overview', order: 10, permission: 'dashboard:read' },
    { key: 'map', path: '/map', label: ['网格地图', 'Grid map'], icon: createElement(EnvironmentOutlined), group: 'overview', order: 20, permission: 'tree:read' },
  ],
  home: [{ path: '/dashboard', permission: 'dashboard:read', priority: 10 }],
};
