// Public face of the accounts module (账号管理): other modules use AccountsService, never the
// platform's account tables.
import type { Platform } from '../../platform/platform.js';
import type { AppModule } from '../../platform/module.js';
import type { TreeService } from '../tree/index.js';
import { accountRoutes } from './routes.js';
import { AccountsService } from './service.js';

export { AccountsService } from './service.js';
export { AccountErrors } from './errors.js';
export type { UserOut, TokenOut, RoleOut } from './schemas.js';

export function createAccountsModule(platform: Platform, deps: { tree: TreeService }): AppModule<AccountsService> {
  const service = new AccountsService(platform, deps.tree);
  service.registerApprovals();
  return { name: 'accounts', service, routes: accountRoutes(service) };
}
