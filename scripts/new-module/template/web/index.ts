// The __title__ pages: routes and menu entries, each with the permission it needs.
import { AppstoreOutlined } from '@ant-design/icons';
import { createElement, lazy } from 'react';
import type { Feature } from '../types';

export const __name__Feature: Feature = {
  key: '__name__',
  routes: [{ path: '/__kebab__', component: lazy(() => import('./__Name__Page')), permission: 'tree:read' }],
  menu: [{ key: '__name__', path: '/__kebab__', label: ['__zh__', '__title__'], icon: createElement(AppstoreOutlined), group: 'base', order: 90, permission: 'tree:read' }],
};
