// The app: language, Ant Design (zh_CN or en_US), the logged-in user, the place navigator, and a
// router built from the feature registry. Every route checks the permission it declares, so a
// typed-in URL shows "not allowed" rather than a broken page.
import { App as AntApp, Button, ConfigProvider, Result } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { createElement, useMemo, type ComponentType } from 'react';
import { createBrowserRouter, matchPath, Navigate, RouterProvider, useNavigate } from 'react-router-dom';
import { AuthGate } from './auth/AuthGate';
import { AuthProvider, useAuth } from './auth/AuthContext';
import { features, homePath, publicRoutes } from './features';
import type { FeatureRoute } from './features/types';
import { useMobile } from './hooks/useMobile';
import { LangProvider, useI18n } from './i18n';
import { AppLayout } from './shell/AppLayout';
import { ErrorBoundary, useBoundaryTexts } from './shell/ErrorBoundary';
import { PlaceProvider } from './shell/PlaceContext';

function NotFound() {
  const { t } = useI18n();
  const navigate = useNavigate();
  return <Result status="404" title={t('页面不存在', 'Page not found')} subTitle={t('地址可能输错了，或该页面已移动。', 'The address may be mistyped, or the page has moved.')} extra={<Button onClick={() => navigate('/')}>{t('回到首页', 'Go home')}</Button>} />;
}

function Forbidden() {
  const { t } = useI18n();
  const navigate = useNavigate();
  return <Result status="403" title={t('无权访问', 'Not allowed')} subTitle={t('您的角色不能使用此页面。', 'Your role cannot use this page.')} extra={<Button onClick={() => navigate('/')}>{t('回到首页', 'Go home')}</Button>} />;
}

function Guarded({ route }: { route: FeatureRoute }) {
  const { can } = useAuth();
  if (!can(route.permission)) return <Forbidden />;
  return createElement(route.component as ComponentType);
}

function Home() {
  const { can, me } = useAuth();
  const path = homePath(can, me?.user.role);
  if (!path || path === '/') return <Forbidden />;
  return <Navigate to={path} replace />;
}

function buildRouter() {
  const routes = features.flatMap((f) => f.routes);
  const hasRoot = routes.some((r) => r.path === '/');
  return createBrowserRouter([
    {
      path: '/',
      element: <AppLayout />,
      children: [
        ...(hasRoot ? [] : [{ index: true, element: <Home /> }]),
        ...routes.map((r) => (r.path === '/' ? { index: true, element: <Guarded route={r} /> } : { path: r.path.replace(/^\//, ''), element: <Guarded route={r} /> })),
        { path: '*', element: <NotFound /> },
      ],
    },
  ]);
}

// Public pages (certificate check, service guide) need no log-in and have no app frame.
const isPublicPath = () => publicRoutes.some((r) => matchPath(r.path, window.location.pathname));
function PublicRouted() {
  const router = useMemo(() => createBrowserRouter(publicRoutes.map((r) => ({ path: r.path, element: createElement(r.component as ComponentType) }))), []);
  return <RouterProvider router={router} />;
}

function Routed() {
  const router = useMemo(buildRouter, []);
  return <RouterProvider router={router} />;
}

function Themed() {
  const { lang } = useI18n();
  const boundaryTexts = useBoundaryTexts();
  // On a phone every control is a finger's size (44 px, the common minimum for a tap target):
  // buttons, inputs, selects, date pickers, pagination, filter tabs, menu entries. What the theme
  // cannot reach (drawer close, checkboxes, tabs, small and link buttons) is in styles.css.
  const mobile = useMobile();
  return (
    <ConfigProvider
      locale={lang === 'en' ? enUS : zhCN}
      theme={{
        token: {
          colorPrimary: '#1f5fbf',
          borderRadius: 8,
          fontFamily: "-apple-system, BlinkMacSystemFont, 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei', 'Segoe UI', Roboto, sans-serif",
          ...(mobile ? { controlHeight: 44 } : {}),
        },
        ...(mobile ? { components: { Segmented: { controlHeight: 48 }, Menu: { itemHeight: 44 }, Pagination: { itemSize: 44, itemSizeSM: 44 }, Tabs: { horizontalItemGutter: 8 } } } : {}),
      }}
    >
      <AntApp>
        {/* Pages have their own boundary (AppLayout); this one catches the frame, log-in and public pages. */}
        <ErrorBoundary texts={boundaryTexts}>
        {isPublicPath() ? (
          <PublicRouted />
        ) : (
          <AuthProvider>
            <AuthGate>
              <PlaceProvider>
                <Routed />
              </PlaceProvider>
            </AuthGate>
          </AuthProvider>
        )}
        </ErrorBoundary>
      </AntApp>
    </ConfigProvider>
  );
}

export function App() {
  return (
    <LangProvider>
      <Themed />
    </LangProvider>
  );
}
