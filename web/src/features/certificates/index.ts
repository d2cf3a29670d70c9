import { BookOutlined, FileDoneOutlined, HeartOutlined, SafetyCertificateOutlined, UnorderedListOutlined } from '@ant-design/icons';
import { createElement, lazy } from 'react';
import type { Feature } from '../types';

const read = ['certificates:read', 'certificates:issue', 'certificates:catalog'] as const;

export const certificatesFeature: Feature = {
  key: 'certificates',
  routes: [
    { path: '/certificates/issue', component: lazy(() => import('./IssuePage')), permission: 'certificates:issue' },
    { path: '/certificates', component: lazy(() => import('./IssuedListPage')), permission: ['certificates:read', 'certificates:issue'] },
    { path: '/certificates/catalogue', component: lazy(() => import('./CataloguePage')), permission: read },
    { path: '/certificates/handbook', component: lazy(() => import('./HandbookAdminPage')), permission: read },
    { path: '/assisted', component: lazy(() => import('./AssistedPage')), permission: ['assisted:write', 'certificates:read'] },
  ],
  // Open to anyone: the resident or a bank clerk checking a certificate, the service guide.
  publicRoutes: [
    { path: '/verify', component: lazy(() => import('./VerifyPage')) },
    { path: '/handbook', component: lazy(() => import('./HandbookPage')) },
  ],
  menu: [
    { key: 'cert-issue', path: '/certificates/issue', label: ['出具证明', 'Issue a certificate'], icon: createElement(SafetyCertificateOutlined), group: 'services', order: 10, permission: 'certificates:issue' },
    { key: 'cert-list', path: '/certificates', label: ['已出具证明', 'Issued certificates'], icon: createElement(FileDoneOutlined), group: 'services', order: 20, permission: ['certificates:read', 'certificates:issue'] },
    { key: 'assisted', path: '/assisted', label: ['帮办代办', 'Assisted service'], icon: createElement(HeartOutlined), group: 'services', order: 30, permission: ['assisted:write', 'certificates:read'] },
    { key: 'cert-catalogue', path: '/certificates/catalogue', label: ['证明事项清单', 'Certificate catalogue'], icon: createElement(UnorderedListOutlined), group: 'services', order: 40, permission: read },
    { key: 'cert-handbook', path: '/certificates/handbook', label: ['减证便民指南', 'Handbook'], icon: createElement(BookOutlined), group: 'services', order: 50, permission: read },
  ],
};
