// The __title__ module's refusals: a stable code, an HTTP status, a message in both languages.
import { defineErrors } from '../../platform/errors.js';

export const __Name__Errors = defineErrors({
  __NAME___NOT_FOUND: { status: 404, zh: '未找到该记录，或不在您的管辖范围内', en: 'No such item in your area' },
});
