// Public face of the __title__ module (__zh__). Other modules use __Name__Service through this
// file only; they never import its tables, routes or other files.
import type { AppModule } from '../../platform/module.js';
import type { Platform } from '../../platform/platform.js';
import './events.js';
import { __name__Routes } from './routes.js';
import { __Name__Service } from './service.js';

export { __Name__Service } from './service.js';
export { __Name__Errors } from './errors.js';
export type { __Name__Out, New__Name__In } from './schemas.js';

export function create__Name__Module(platform: Platform): AppModule<__Name__Service> {
  const service = new __Name__Service(platform);
  return { name: '__name__', service, routes: __name__Routes(service) };
}
