import { BankOutlined, HomeOutlined, ShopOutlined } from '@ant-design/icons';
import { createElement, lazy } from 'react';
import type { Feature } from '../types';

const RecordsPage = lazy(() => import('./RecordsPage'));

export const recordsFeature: Feature = {
  key: 'records',
  routes: [{ path: '/records/:kind', component: RecordsPage, permission: 'registry:read' }],
  menu: [
    { key: 'households', path: '/records/household', label: ['户与房屋', 'Households'], icon: createElement(HomeOutlined), group: 'base', order: 20, permission: 'registry:read', match: ['/records/house', '/records/building'] },
    { key: 'organisations', path: '/records/organisation', label: ['单位与商户', 'Organisations'], icon: createElement(ShopOutlined), group: 'base', order: 30, permission: 'registry:read' },
    { key: 'facilities', path: '/records/facility', label: ['设施', 'Facilities'], icon: createElement(BankOutlined), group: 'base', order: 40, permission: 'registry:read' },
  ],
};
