// The frame around every page: the menu (only what the caller's permissions allow), the place
// navigator, the caller's name, role and place, the language switch and log-out. On a phone the
// menu folds into a drawer and the place into one button.
import { LogoutOutlined, MenuFoldOutlined, MenuOutlined, MenuUnfoldOutlined, UserOutlined } from '@ant-design/icons';
import { Avatar, Button, Drawer, Dropdown, Flex, Layout, Menu, Spin, Typography, type MenuProps } from 'antd';
import { Suspense, useMemo, useState } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';
import { roleNames } from '../../../src/platform/auth/roles';
import { useAuth } from '../auth/AuthContext';
import { LangSwitch } from '../components/LangSwitch';
import { visibleMenu } from '../features';
import { useMobile } from '../hooks/useMobile';
import { useI18n } from '../i18n';
import { ErrorBoundary, useBoundaryTexts } from './ErrorBoundary';
import { PlaceBar } from './TreeNavigator';
import { UserText } from '../components/UserText';

function Brand({ collapsed }: { collapsed?: boolean }) {
  const { tt } = useI18n();
  return (
    <Flex align="center" gap={10} className="qc-brand">
      <img src="/favicon.svg" width={28} height={28} alt="" />
      {collapsed ? null : (
        <Flex vertical style={{ lineHeight: 1.2 }}>
          <span className="qc-brand-name">{tt('appName')}</span>
          <span className="qc-brand-tag">{tt('appTagline')}</span>
        </Flex>
      )}
    </Flex>
  );
}

export function AppLayout() {
  const { t, tt, pick, lang } = useI18n();
  const { me, can, logout } = useAuth();
  const mobile = useMobile();
  const navigate = useNavigate();
  const location = useLocation();
  const [collapsed, setCollapsed] = useState(false);
  const [drawer, setDrawer] = useState(false);

  const sections = useMemo(() => visibleMenu(can), [can]);
  const items: MenuProps['items'] = useMemo(
    () =>
      sections.map((s) => ({
        type: 'group' as const,
        key: `g-${s.key}`,
        label: pick({ zh: s.label[0], en: s.label[1] }),
        children: s.items.map((i) => ({ key: i.path, icon: i.icon, label: <span data-testid={`menu-${i.key}`}>{pick({ zh: i.label[0], en: i.label[1] })}</span> })),
      })),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [sections, lang],
  );
  // The entry whose path (or one of its extra prefixes) is the longest match of the address.
  const under = (p: string) => (p === '/' ? location.pathname === '/' : location.pathname === p || location.pathname.startsWith(`${p}/`));
  const selected = sections
    .flatMap((s) => s.items.flatMap((i) => [i.path, ...(i.match ?? [])].filter(under).map((p) => ({ key: i.path, len: p.length }))))
    .sort((a, b) => b.len - a.len)[0]?.key;

  const menu = (
    <Menu
      mode="inline"
      items={items}
      selectedKeys={selected ? [selected] : []}
      onClick={({ key }) => {
        navigate(key);
        setDrawer(false);
      }}
      style={{ borderInlineEnd: 0 }}
      data-testid="main-menu"
    />
  );

  const place = me?.node?.trail.slice(1).join(' / ');
  // Role names from the same list the server uses, so they switch language with everything else.
  const roleName = me ? (roleNames[me.user.role] ? pick(roleNames[me.user.role]) : me.user.roleName) : '';
  const userMenu: MenuProps = {
    items: [
      {
        key: 'who',
        disabled: true,
        label: (
          <Flex vertical style={{ color: 'rgba(0,0,0,0.88)' }}>
            <strong><UserText>{me?.user.displayName}</UserText></strong>
            <span style={{ fontSize: 12 }}>{roleName}</span>
            <span style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)' }}><UserText>{place || me?.node?.name}</UserText></span>
          </Flex>
        ),
      },
      { type: 'divider' },
      { key: 'profile', icon: <UserOutlined />, label: tt('profile') },
      { key: 'logout', icon: <LogoutOutlined />, label: tt('logout'), danger: true },
    ],
    onClick: ({ key }) => {
      if (key === 'profile') navigate('/profile');
      if (key === 'logout') void logout().then(() => navigate('/'));
    },
  };

  const user = (
    <Dropdown menu={userMenu} trigger={['click']} placement="bottomRight">
      <Button type="text" className="qc-user" data-testid="user-menu">
        <Avatar size={28} style={{ background: '#1f5fbf' }}>
          <UserText>{me?.user.displayName.slice(0, 1)}</UserText>
        </Avatar>
        {mobile ? null : (
          <Flex vertical align="flex-start" style={{ lineHeight: 1.25 }}>
            <span className="qc-user-name"><UserText>{me?.user.displayName}</UserText></span>
            <span className="qc-user-role" data-testid="user-role">
              {roleName} · <UserText>{me?.node?.name}</UserText>
            </span>
          </Flex>
        )}
      </Button>
    </Dropdown>
  );

  const boundaryTexts = useBoundaryTexts();
  const content = (
    <ErrorBoundary resetKey={location.pathname} texts={boundaryTexts}>
      <Suspense
        fallback={
          <Flex justify="center" style={{ padding: 64 }}>
            <Spin />
          </Flex>
        }
      >
        <Outlet />
      </Suspense>
    </ErrorBoundary>
  );

  if (mobile) {
    return (
      <Layout className="qc-layout qc-mobile">
        <Layout.Header className="qc-header">
          <Button type="text" icon={<MenuOutlined />} onClick={() => setDrawer(true)} aria-label={t('菜单', 'Menu')} data-testid="menu-button" />
          <div className="qc-header-place">
            <PlaceBar />
          </div>
          {user}
        </Layout.Header>
        <Drawer open={drawer} onClose={() => setDrawer(false)} placement="left" size={280} title={<Brand />} styles={{ body: { padding: 0 } }}>
          {menu}
          <Flex justify="center" style={{ padding: 16 }}>
            <LangSwitch size="middle" />
          </Flex>
        </Drawer>
        <Layout.Content className="qc-content">{content}</Layout.Content>
      </Layout>
    );
  }

  return (
    <Layout className="qc-layout">
      <Layout.Sider theme="light" width={224} collapsedWidth={64} collapsed={collapsed} className="qc-sider" trigger={null}>
        <Brand collapsed={collapsed} />
        <div className="qc-sider-menu">{menu}</div>
      </Layout.Sider>
      <Layout>
        <Layout.Header className="qc-header">
          <Button type="text" icon={collapsed ? <MenuUnfoldOutlined /> : <MenuFoldOutlined />} onClick={() => setCollapsed(!collapsed)} aria-label={t('折叠菜单', 'Collapse menu')} />
          <div className="qc-header-place">
            <PlaceBar />
          </div>
          <Flex align="center" gap={12}>
            <LangSwitch />
            {user}
          </Flex>
        </Layout.Header>
        <Layout.Content className="qc-content">{content}</Layout.Content>
        <Layout.Footer className="qc-footer">
          <Typography.Text type="secondary">
            {tt('appName')} · {tt('appTagline')}
          </Typography.Text>
        </Layout.Footer>
      </Layout>
    </Layout>
  );
}
