// The work channel's pages (工作通道): the one inbox (phone-first), sending tasks and following
// them, whistles that summon departments and their response times, and the holiday calendar.
import { AlertOutlined, CalendarOutlined, InboxOutlined, SendOutlined } from '@ant-design/icons';
import { createElement, lazy } from 'react';
import type { Feature } from '../types';

export const workChannelFeature: Feature = {
  key: 'workChannel',
  routes: [
    { path: '/channel/inbox', component: lazy(() => import('./InboxPage')), permission: 'channel:inbox' },
    { path: '/channel/tasks', component: lazy(() => import('./SentPage')), permission: 'channel:send' },
    { path: '/channel/tasks/new', component: lazy(() => import('./NewTaskPage')), permission: 'channel:send' },
    { path: '/channel/tasks/:id', component: lazy(() => import('./TaskPage')), permission: 'channel:send' },
    { path: '/whistles', component: lazy(() => import('./WhistlesPage')), permission: 'whistle:read' },
    { path: '/whistles/stats', component: lazy(() => import('./WhistleStatsPage')), permission: 'whistle:read' },
    { path: '/calendar', component: lazy(() => import('./CalendarPage')) },
  ],
  menu: [
    { key: 'channel-inbox', path: '/channel/inbox', label: ['工作收件箱', 'Work inbox'], icon: createElement(InboxOutlined), group: 'overview', order: 25, permission: 'channel:inbox' },
    { key: 'channel-sent', path: '/channel/tasks', label: ['派发任务', 'Send tasks'], icon: createElement(SendOutlined), group: 'department', order: 20, permission: 'channel:send' },
    { key: 'whistles', path: '/whistles', label: ['吹哨报到', 'Whistles'], icon: createElement(AlertOutlined), group: 'department', order: 21, permission: 'whistle:read', match: ['/whistles/stats'] },
    { key: 'calendar', path: '/calendar', label: ['节假日安排', 'Public holidays'], icon: createElement(CalendarOutlined), group: 'admin', order: 70, permission: 'calendar:manage' },
  ],
};
