// The field catalogue: every field of every record kind, with its Chinese and English heading,
// its type and code table, whether it is personal data, and whether it is stored encrypted and
// shown masked. Grants, exports, imports and report templates all name fields from this list.
import { codeTables, type CodeTable } from './codes.js';
import type { RecordKind } from './tables.js';

export type FieldType = 'string' | 'text' | 'date' | 'integer' | 'number' | 'code' | 'reference';

export interface FieldDef {
  /** API and template name (camelCase). */
  key: string;
  /** SQL column (snake_case) of the record's table; null for virtual fields. */
  column: string | null;
  zh: string;
  en: string;
  type: FieldType;
  codes?: CodeTable;
  /** Identifies or describes a person: reading it is logged. */
  personal?: boolean;
  /** Stored SM4-encrypted (column holds ciphertext, `<column>_hash` the blind index); shown masked. */
  secret?: 'idNumber' | 'phone';
  /** Derived from the ID number on write; read-only through the API. */
  derived?: boolean;
  /** Changed only through dedicated actions (status, placement). */
  system?: boolean;
  required?: boolean;
  maxLength?: number;
}

const f = (key: string, column: string | null, zh: string, en: string, type: FieldType, extra: Partial<FieldDef> = {}): FieldDef => ({ key, column, zh, en, type, ...extra });

export const recordFields: Record<RecordKind, FieldDef[]> = {
  resident: [
    f('name', 'name', '姓名', 'name', 'string', { personal: true, required: true, maxLength: 40 }),
    f('idType', 'id_type', '证件类型', 'document type', 'code', { codes: codeTables.idType }),
    f('idNumber', 'id_number_enc', '证件号码', 'ID number', 'string', { personal: true, secret: 'idNumber', maxLength: 32 }),
    f('birthDate', 'birth_date', '出生日期', 'birth date', 'date', { personal: true }),
    f('sex', 'sex', '性别', 'sex', 'code', { codes: codeTables.sex }),
    f('idAddressCode', 'id_address_code', '身份证地址码', 'ID address code', 'string', { derived: true }),
    f('phone', 'phone_enc', '联系电话', 'phone', 'string', { personal: true, secret: 'phone', maxLength: 20 }),
    f('ethnicity', 'ethnicity', '民族', 'ethnicity', 'code', { codes: codeTables.ethnicity }),
    f('maritalStatus', 'marital_status', '婚姻状况', 'marital status', 'code', { codes: codeTables.maritalStatus, personal: true }),
    f('politicalStatus', 'political_status', '政治面貌', 'political status', 'code', { codes: codeTables.politicalStatus, personal: true }),
    f('education', 'education', '文化程度', 'education', 'code', { codes: codeTables.education }),
    f('residenceStatus', 'residence_status', '人口类型', 'population category', 'code', { codes: codeTables.residenceStatus }),
    f('hukouAddress', 'hukou_address', '户籍地址', 'hukou address', 'string', { personal: true, maxLength: 200 }),
    f('address', 'address', '现住址', 'current address', 'string', { personal: true, maxLength: 200 }),
    f('occupation', 'occupation', '职业', 'occupation', 'string', { maxLength: 60 }),
    f('employer', 'employer', '工作单位', 'employer', 'string', { maxLength: 100 }),
    f('residentSince', 'resident_since', '居住起始日期', 'living here since', 'date'),
    f('householdId', 'household_id', '所属户', 'household', 'reference'),
    f('houseId', 'house_id', '房屋', 'house', 'reference'),
    f('relationToHead', 'relation_to_head', '与户主关系', 'relation to household head', 'code', { codes: codeTables.relationToHead }),
    f('notes', 'notes', '备注', 'notes', 'text', { personal: true, maxLength: 1000 }),
    f('gridId', 'grid_id', '所属网格', 'grid', 'reference', { system: true }),
    f('status', 'status', '状态', 'status', 'code', { codes: codeTables.status, system: true }),
  ],
  household: [
    f('householdNo', 'household_no', '户号', 'household number', 'string', { required: true, maxLength: 32 }),
    f('houseId', 'house_id', '房屋', 'house', 'reference'),
    f('kind', 'kind', '户类型', 'household kind', 'code', { codes: { family: { zh: '家庭户', en: 'family' }, collective: { zh: '集体户', en: 'collective' } } }),
    f('headResidentId', 'head_resident_id', '户主', 'household head', 'reference'),
    f('gridId', 'grid_id', '所属网格', 'grid', 'reference', { system: true }),
    f('status', 'status', '状态', 'status', 'code', { codes: codeTables.status, system: true }),
  ],
  building: [
    f('name', 'name', '楼栋名称', 'building name', 'string', { required: true, maxLength: 60 }),
    f('address', 'address', '地址', 'address', 'string', { required: true, maxLength: 200 }),
    f('kind', 'kind', '建筑类型', 'building kind', 'code', { codes: codeTables.buildingKind }),
    f('floors', 'floors', '层数', 'floors', 'integer'),
    f('unitCount', 'unit_count', '单元数', 'entrances', 'integer'),
    f('builtYear', 'built_year', '建成年份', 'year built', 'integer'),
    f('lat', 'lat', '纬度', 'latitude', 'number'),
    f('lng', 'lng', '经度', 'longitude', 'number'),
    f('gridId', 'grid_id', '所属网格', 'grid', 'reference', { system: true }),
    f('status', 'status', '状态', 'status', 'code', { codes: codeTables.status, system: true }),
  ],
  house: [
    f('buildingId', 'building_id', '所属楼栋', 'building', 'reference', { required: true }),
    f('unitNo', 'unit_no', '单元', 'entrance', 'string', { maxLength: 16 }),
    f('floor', 'floor', '楼层', 'floor', 'integer'),
    f('roomNo', 'room_no', '房号', 'room number', 'string', { required: true, maxLength: 16 }),
    f('areaM2', 'area_m2', '面积（㎡）', 'area (m²)', 'number'),
    f('usage', 'usage', '使用情况', 'use', 'code', { codes: codeTables.houseUsage }),
    f('gridId', 'grid_id', '所属网格', 'grid', 'reference', { system: true }),
    f('status', 'status', '状态', 'status', 'code', { codes: codeTables.status, system: true }),
  ],
  organisation: [
    f('name', 'name', '单位名称', 'name', 'string', { required: true, maxLength: 100 }),
    f('kind', 'kind', '单位类型', 'kind', 'code', { codes: codeTables.organisationKind, required: true }),
    f('creditCode', 'credit_code', '统一社会信用代码', 'unified social credit code', 'string', { maxLength: 18 }),
    f('legalRepName', 'legal_rep_name', '法定代表人/负责人', 'legal representative', 'string', { personal: true, maxLength: 40 }),
    f('phone', 'phone_enc', '联系电话', 'phone', 'string', { personal: true, secret: 'phone', maxLength: 20 }),
    f('address', 'address', '地址', 'address', 'string', { maxLength: 200 }),
    f('buildingId', 'building_id', '所在楼栋', 'building', 'reference'),
    f('employees', 'employees', '从业人数', 'employees', 'integer'),
    f('lat', 'lat', '纬度', 'latitude', 'number'),
    f('lng', 'lng', '经度', 'longitude', 'number'),
    f('gridId', 'grid_id', '所属网格', 'grid', 'reference', { system: true }),
    f('status', 'status', '状态', 'status', 'code', { codes: codeTables.status, system: true }),
  ],
  facility: [
    f('name', 'name', '设施名称', 'name', 'string', { required: true, maxLength: 100 }),
    f('kind', 'kind', '设施类型', 'kind', 'code', { codes: codeTables.facilityKind, required: true }),
    f('operator', 'operator', '运营方', 'operator', 'string', { maxLength: 100 }),
    f('openingHours', 'opening_hours', '开放时间', 'opening hours', 'string', { maxLength: 100 }),
    f('address', 'address', '地址', 'address', 'string', { maxLength: 200 }),
    f('capacity', 'capacity', '容量', 'capacity', 'integer'),
    f('lat', 'lat', '纬度', 'latitude', 'number'),
    f('lng', 'lng', '经度', 'longitude', 'number'),
    f('nodeId', 'node_id', '所属社区/网格', 'community or grid', 'reference', { system: true }),
    f('status', 'status', '状态', 'status', 'code', { codes: codeTables.status, system: true }),
  ],
};

export function fieldsOf(kind: RecordKind): FieldDef[] {
  return recordFields[kind];
}

export function fieldDef(kind: RecordKind, key: string): FieldDef | undefined {
  return recordFields[kind].find((d) => d.key === key);
}

/** Fields a caller with full community access sees: all of them. */
export function allFieldKeys(kind: RecordKind): string[] {
  return recordFields[kind].map((d) => d.key);
}

/** The fields that identify where a record sits and what it is, shown to anyone who may see the record. */
export const alwaysVisible: Record<RecordKind, string[]> = {
  resident: ['gridId', 'status'],
  household: ['gridId', 'status', 'householdNo'],
  building: ['gridId', 'status', 'name', 'address'],
  house: ['gridId', 'status', 'buildingId', 'roomNo'],
  organisation: ['gridId', 'status', 'name', 'kind'],
  facility: ['nodeId', 'status', 'name', 'kind'],
};
