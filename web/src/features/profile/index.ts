import { lazy } from 'react';
import type { Feature } from '../types';

export const profileFeature: Feature = {
  key: 'profile',
  routes: [{ path: '/profile', component: lazy(() => import('./ProfilePage')) }],
};
