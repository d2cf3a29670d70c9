// The tree's refusals, each with a stable code and a message in both languages.
import { defineErrors } from '../../platform/errors.js';

export const TreeErrors = defineErrors({
  TREE_NODE_NOT_FOUND: { status: 404, zh: '未找到该区划或网格，或不在您的管辖范围内', en: 'No such division or grid in your area' },
  TREE_BAD_PARENT: { status: 400, zh: '{level} 只能建在 {parentLevel} 之下', en: 'A {level} must sit under a {parentLevel}' },
  TREE_BAD_CODE: { status: 400, zh: '区划代码不正确：{reason}', en: 'Invalid division code: {reason}' },
  TREE_CODE_TAKEN: { status: 409, zh: '代码 {code} 已被 {name} 使用', en: 'Code {code} is already used by {name}' },
  TREE_NOT_A_GRID: { status: 400, zh: '只能移动或拆分网格', en: 'Only grids can be moved or split' },
  TREE_NODE_RETIRED: { status: 409, zh: '该网格已于 {date} 停用', en: 'This grid was retired on {date}' },
  TREE_BAD_DATE: { status: 400, zh: '生效日期不能早于 {date}', en: 'The effective date cannot be before {date}' },
});
