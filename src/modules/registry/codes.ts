// National code tables used by the register (GB/T 31000 "9+X" base data), with the default label
// kinds and field-maintenance policies a new city starts from. Labels and policies are data: these
// are only what the first migration of a city loads; admins change them afterwards.

export type CodeTable = Readonly<Record<string, { zh: string; en: string }>>;

/** GB/T 2261.1 sex. */
export const sexCodes: CodeTable = { '0': { zh: '未知', en: 'unknown' }, '1': { zh: '男', en: 'male' }, '2': { zh: '女', en: 'female' }, '9': { zh: '未说明', en: 'unspecified' } };

/** GB/T 2261.2 marital status. */
export const maritalCodes: CodeTable = {
  '10': { zh: '未婚', en: 'single' }, '20': { zh: '已婚', en: 'married' }, '21': { zh: '初婚', en: 'first marriage' }, '22': { zh: '再婚', en: 'remarried' },
  '23': { zh: '复婚', en: 'reconciled' }, '30': { zh: '丧偶', en: 'widowed' }, '40': { zh: '离婚', en: 'divorced' }, '90': { zh: '未说明', en: 'unspecified' },
};

/** GB/T 4762 political status. */
export const politicalCodes: CodeTable = {
  '01': { zh: '中共党员', en: 'CPC member' }, '02': { zh: '中共预备党员', en: 'CPC probationary member' }, '03': { zh: '共青团员', en: 'CYL member' },
  '04': { zh: '民革党员', en: 'RCCK member' }, '05': { zh: '民盟盟员', en: 'CDL member' }, '06': { zh: '民建会员', en: 'CNDCA member' }, '07': { zh: '民进会员', en: 'CAPD member' },
  '08': { zh: '农工党党员', en: 'CPWDP member' }, '09': { zh: '致公党党员', en: 'CZGP member' }, '10': { zh: '九三学社社员', en: 'Jiusan Society member' },
  '11': { zh: '台盟盟员', en: 'TDSGL member' }, '12': { zh: '无党派人士', en: 'non-partisan' }, '13': { zh: '群众', en: 'ordinary citizen' },
};

/** GB/T 4658 education (two-digit level). */
export const educationCodes: CodeTable = {
  '10': { zh: '研究生', en: 'postgraduate' }, '20': { zh: '大学本科', en: 'bachelor' }, '30': { zh: '大学专科', en: 'college diploma' }, '40': { zh: '中等专科', en: 'secondary vocational' },
  '60': { zh: '普通高中', en: 'senior high school' }, '70': { zh: '初中', en: 'junior high school' }, '80': { zh: '小学', en: 'primary school' }, '90': { zh: '其他', en: 'other' },
};

/** GB/T 4761 family relation to the household head (the codes a register uses most). */
export const relationCodes: CodeTable = {
  '02': { zh: '户主', en: 'head of household' }, '10': { zh: '配偶', en: 'spouse' }, '20': { zh: '子', en: 'son' }, '30': { zh: '女', en: 'daughter' },
  '40': { zh: '孙子、孙女或外孙子、外孙女', en: 'grandchild' }, '50': { zh: '父母', en: 'parent' }, '60': { zh: '祖父母或外祖父母', en: 'grandparent' },
  '70': { zh: '兄、弟、姐、妹', en: 'sibling' }, '80': { zh: '其他亲属', en: 'other relative' }, '99': { zh: '非亲属', en: 'not related' },
};

/** 证件类型 (kept as its own field, as the ID-number standard asks). */
export const idTypeCodes: CodeTable = {
  '01': { zh: '居民身份证', en: 'resident identity card' }, '03': { zh: '护照', en: 'passport' }, '06': { zh: '港澳居民来往内地通行证', en: 'Home Return Permit (HK/Macao)' },
  '07': { zh: '台湾居民来往大陆通行证', en: 'Mainland Travel Permit (Taiwan)' }, '08': { zh: '外国人永久居留身份证', en: 'foreign permanent resident ID' }, '99': { zh: '其他证件', en: 'other document' },
};

/** GB/T 31000 actual-population categories. */
export const residenceStatusCodes: CodeTable = {
  registered: { zh: '户籍人口', en: 'registered (hukou) resident' }, resident: { zh: '常住人口（非户籍）', en: 'non-hukou permanent resident' },
  floating: { zh: '流动人口', en: 'floating population' }, overseas: { zh: '境外人员', en: 'overseas person' }, unregistered: { zh: '未落户人员', en: 'person without hukou' },
};

/** GB/T 3304 ethnic groups (民族). */
export const ethnicityCodes: CodeTable = Object.fromEntries(
  [
    '汉族', '蒙古族', '回族', '藏族', '维吾尔族', '苗族', '彝族', '壮族', '布依族', '朝鲜族', '满族', '侗族', '瑶族', '白族', '土家族', '哈尼族', '哈萨克族', '傣族', '黎族', '傈僳族',
    '佤族', '畲族', '高山族', '拉祜族', '水族', '东乡族', '纳西族', '景颇族', '柯尔克孜族', '土族', '达斡尔族', '仫佬族', '羌族', '布朗族', '撒拉族', '毛南族', '仡佬族', '锡伯族', '阿昌族', '普米族',
    '塔吉克族', '怒族', '乌孜别克族', '俄罗斯族', '鄂温克族', '德昂族', '保安族', '裕固族', '京族', '塔塔尔族', '独龙族', '鄂伦春族', '赫哲族', '门巴族', '珞巴族', '基诺族',
  ].map((zh, i) => [String(i + 1).padStart(2, '0'), { zh, en: i === 0 ? 'Han' : zh }]),
);

export const recordStatusCodes: CodeTable = {
  active: { zh: '在册', en: 'active' }, moved_out: { zh: '迁出', en: 'moved out' }, deceased: { zh: '死亡', en: 'deceased' }, closed: { zh: '注销', en: 'closed' },
  deleted: { zh: '已删除', en: 'deleted' }, merged: { zh: '已合并', en: 'merged' },
};

export const organisationKinds: CodeTable = {
  shop: { zh: '商铺', en: 'shop' }, firm: { zh: '企业', en: 'firm' }, institution: { zh: '机关事业单位', en: 'public institution' }, school: { zh: '学校', en: 'school' },
  clinic: { zh: '医疗机构', en: 'clinic' }, social_org: { zh: '社会组织', en: 'social organisation' }, other: { zh: '其他', en: 'other' },
};

export const facilityKinds: CodeTable = {
  canteen: { zh: '幸福食堂', en: 'community canteen' }, child_care: { zh: '托育/儿童之家', en: 'child care' }, library: { zh: '城市书屋', en: 'library' }, clinic: { zh: '卫生服务站', en: 'clinic' },
  sports: { zh: '健身场地', en: 'sports ground' }, elderly_care: { zh: '日间照料中心', en: 'elderly day care' }, service_center: { zh: '党群服务中心', en: 'community service centre' },
  school: { zh: '学校', en: 'school' }, market: { zh: '菜市场', en: 'market' }, other: { zh: '其他', en: 'other' },
};

export const buildingKinds: CodeTable = {
  residential: { zh: '住宅楼', en: 'residential' }, commercial: { zh: '商业楼', en: 'commercial' }, mixed: { zh: '商住混合', en: 'mixed use' }, public: { zh: '公共建筑', en: 'public building' },
  bungalow: { zh: '平房', en: 'bungalow' }, rural_house: { zh: '农村住房', en: 'rural house' },
};

export const houseUsageCodes: CodeTable = { owner_occupied: { zh: '自住', en: 'owner-occupied' }, rented: { zh: '出租', en: 'rented' }, vacant: { zh: '空置', en: 'vacant' }, business: { zh: '经营', en: 'business' } };

export const visitKinds: CodeTable = { routine: { zh: '例行走访', en: 'routine visit' }, care: { zh: '关爱探访', en: 'care visit' }, alert: { zh: '预警核查', en: 'alert check' }, verification: { zh: '信息核实', en: 'data check' } };

export interface DefaultLabel {
  code: string;
  nameZh: string;
  nameEn: string;
  owner: string;
  reviewDays: number;
  appliesTo?: 'resident' | 'household';
  attributeSchema?: Record<string, { type: 'string' | 'number' | 'date'; zh: string; en: string; codes?: Record<string, string> }>;
  /** Who the label usually fits (plausibility, warned about, never refused). */
  rules?: { ageMin?: number; ageMax?: number; sex?: '1' | '2' };
}

/** 重点人群 and other labels a city starts with. Owners: who keeps the label true. */
export const defaultLabels: DefaultLabel[] = [
  { code: 'elderly_alone', nameZh: '独居老人', nameEn: 'elderly living alone', owner: 'community', reviewDays: 30, rules: { ageMin: 60 } },
  { code: 'elderly_80', nameZh: '高龄老人（80岁以上）', nameEn: 'aged 80 and over', owner: 'community', reviewDays: 180, rules: { ageMin: 80 } },
  { code: 'empty_nest', nameZh: '空巢老人', nameEn: 'empty-nest elderly', owner: 'community', reviewDays: 90, rules: { ageMin: 60 } },
  {
    code: 'low_income', nameZh: '低保对象', nameEn: 'minimum-living-allowance recipient', owner: 'civil_affairs', reviewDays: 90,
    attributeSchema: { monthlyAmount: { type: 'number', zh: '月保障金额（元）', en: 'monthly allowance (CNY)' }, certificateNo: { type: 'string', zh: '低保证号', en: 'allowance certificate no.' } },
  },
  { code: 'extreme_poverty', nameZh: '特困供养人员', nameEn: 'extreme-poverty support', owner: 'civil_affairs', reviewDays: 90 },
  {
    code: 'disabled', nameZh: '残疾人', nameEn: 'person with disability', owner: 'disabled_federation', reviewDays: 365,
    attributeSchema: {
      category: { type: 'string', zh: '残疾类别', en: 'category', codes: { '1': '视力', '2': '听力', '3': '言语', '4': '肢体', '5': '智力', '6': '精神', '7': '多重' } },
      grade: { type: 'string', zh: '残疾等级（GB/T 26341）', en: 'grade (GB/T 26341)', codes: { '1': '一级', '2': '二级', '3': '三级', '4': '四级' } },
    },
  },
  { code: 'left_behind_child', nameZh: '留守儿童', nameEn: 'left-behind child', owner: 'community', reviewDays: 90, rules: { ageMax: 15 } },
  { code: 'veteran', nameZh: '退役军人', nameEn: 'veteran', owner: 'veterans_affairs', reviewDays: 365 },
  { code: 'floating', nameZh: '流动人口', nameEn: 'floating population', owner: 'community', reviewDays: 90 },
  { code: 'key_youth', nameZh: '重点青少年', nameEn: 'key youth', owner: 'community', reviewDays: 90 },
  { code: 'community_correction', nameZh: '社区矫正对象', nameEn: 'under community correction', owner: 'justice', reviewDays: 30 },
  { code: 'severe_mental', nameZh: '严重精神障碍患者', nameEn: 'severe mental disorder', owner: 'health', reviewDays: 30 },
  { code: 'unemployed', nameZh: '登记失业人员', nameEn: 'registered unemployed', owner: 'human_resources', reviewDays: 90 },
];

export interface DefaultPolicy {
  recordKind: string;
  fieldGroup: string;
  fields: string[];
  labelCode?: string;
  owner: string;
  reviewDays: number;
  nameZh: string;
  nameEn: string;
}

/** Field owners and review cycles (定期维护). */
export const defaultPolicies: DefaultPolicy[] = [
  { recordKind: 'resident', fieldGroup: 'identity', fields: ['name', 'idType', 'idNumber', 'ethnicity'], owner: 'community', reviewDays: 730, nameZh: '身份信息', nameEn: 'identity' },
  { recordKind: 'resident', fieldGroup: 'contact', fields: ['phone', 'address', 'houseId', 'householdId', 'relationToHead'], owner: 'community', reviewDays: 365, nameZh: '联系与居住', nameEn: 'contact and residence' },
  { recordKind: 'resident', fieldGroup: 'situation', fields: ['maritalStatus', 'politicalStatus', 'education', 'occupation', 'employer', 'residenceStatus'], owner: 'community', reviewDays: 365, nameZh: '基本情况', nameEn: 'situation' },
  { recordKind: 'resident', fieldGroup: 'care', fields: ['phone', 'address', 'notes'], labelCode: 'elderly_alone', owner: 'community', reviewDays: 30, nameZh: '独居老人关爱信息', nameEn: 'elderly-alone care details' },
  { recordKind: 'resident', fieldGroup: 'floating', fields: ['address', 'employer', 'residenceStatus'], labelCode: 'floating', owner: 'community', reviewDays: 90, nameZh: '流动人口居住信息', nameEn: 'floating-population residence' },
  { recordKind: 'household', fieldGroup: 'household', fields: ['householdNo', 'houseId', 'headResidentId', 'kind'], owner: 'community', reviewDays: 365, nameZh: '户信息', nameEn: 'household' },
  { recordKind: 'house', fieldGroup: 'usage', fields: ['usage', 'areaM2'], owner: 'community', reviewDays: 180, nameZh: '房屋使用', nameEn: 'house use' },
  { recordKind: 'organisation', fieldGroup: 'organisation', fields: ['name', 'kind', 'creditCode', 'legalRepName', 'phone', 'address', 'employees'], owner: 'community', reviewDays: 180, nameZh: '单位信息', nameEn: 'organisation details' },
  { recordKind: 'facility', fieldGroup: 'facility', fields: ['name', 'kind', 'operator', 'openingHours', 'capacity'], owner: 'community', reviewDays: 180, nameZh: '设施信息', nameEn: 'facility details' },
];

/** Department codes used as field and label owners, with their usual names. */
export const departmentCodes: CodeTable = {
  civil_affairs: { zh: '民政', en: 'Civil Affairs' }, public_security: { zh: '公安', en: 'Public Security' }, health: { zh: '卫健', en: 'Health' },
  human_resources: { zh: '人社', en: 'Human Resources and Social Security' }, housing: { zh: '住建', en: 'Housing and Construction' },
  market_regulation: { zh: '市场监管', en: 'Market Regulation' }, disabled_federation: { zh: '残联', en: "Disabled Persons' Federation" },
  veterans_affairs: { zh: '退役军人事务', en: 'Veterans Affairs' }, justice: { zh: '司法', en: 'Justice' }, education: { zh: '教育', en: 'Education' },
};

export const codeTables = {
  sex: sexCodes, maritalStatus: maritalCodes, politicalStatus: politicalCodes, education: educationCodes, relationToHead: relationCodes, idType: idTypeCodes,
  residenceStatus: residenceStatusCodes, ethnicity: ethnicityCodes, status: recordStatusCodes, organisationKind: organisationKinds, facilityKind: facilityKinds,
  buildingKind: buildingKinds, houseUsage: houseUsageCodes, visitKind: visitKinds, department: departmentCodes,
} as const;
