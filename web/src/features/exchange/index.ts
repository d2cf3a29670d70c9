// Spreadsheet exchange (导入导出): the import wizard, past imports and exports of filtered lists.
import { CloudDownloadOutlined, CloudUploadOutlined } from '@ant-design/icons';
import { createElement, lazy } from 'react';
import type { Feature } from '../types';

export { ExportButton, exportHref } from './ExportButton';

const ImportPage = lazy(() => import('./ImportPage'));

export const exchangeFeature: Feature = {
  key: 'exchange',
  routes: [
    { path: '/exchange/import', component: ImportPage, permission: 'registry:import' },
    { path: '/exchange/imports', component: lazy(() => import('./ImportHistoryPage')), permission: 'registry:import' },
    { path: '/exchange/imports/:id', component: ImportPage, permission: 'registry:import' },
    { path: '/exchange/export', component: lazy(() => import('./ExportPage')), permission: 'registry:export' },
  ],
  menu: [
    { key: 'import', path: '/exchange/import', label: ['导入数据', 'Import'], icon: createElement(CloudUploadOutlined), group: 'base', order: 60, permission: 'registry:import', match: ['/exchange/imports'] },
    { key: 'export', path: '/exchange/export', label: ['导出数据', 'Export'], icon: createElement(CloudDownloadOutlined), group: 'base', order: 70, permission: 'registry:export' },
  ],
};
