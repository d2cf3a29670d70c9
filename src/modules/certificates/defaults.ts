// Starting content. The handbook (减证便民) lists the 20 certificates that the 2020 national notice
// (民发〔2020〕20号) says village and residents' committees must no longer issue, with where residents
// get them instead; it is national, so every new city starts with it. The catalogue of what a
// community may still issue is local (each city publishes its own retained list), so the starter
// catalogue below is loaded for the demo city only; admins edit both.
import type { NewHandbookIn, NewKindIn } from './schemas.js';

/** A catalogue entry as shipped or added (the body of POST /certificates/kinds without its ordering and note). */
export type KindInput = Omit<NewKindIn, 'sortOrder' | 'changeNote'>;

/** A handbook entry as shipped or added (the body of POST /certificates/handbook). */
export type HandbookInput = NewHandbookIn;

const PROCESS = '居民本人（或委托代办人）持身份证件到社区党群服务中心窗口申请；工作人员调取基础数据核对出具条件，符合的当场出具，加盖电子印章并附核验二维码；不符合的当场说明原因。';
const ID = '本人居民身份证或其他有效身份证件';
const PROXY = '委托他人代办的，另带代办人身份证件和委托书';

export const starterCatalogue: KindInput[] = [
  {
    code: 'residence',
    title: '居住证明',
    basis: '《中华人民共和国城市居民委员会组织法》第三条、《中华人民共和国村民委员会组织法》第二条（办理本居住地区的公共事务、协助政府做好与居民利益有关的工作）；《居住证暂行条例》（国务院令第663号）第二条（居住半年以上）；本市村（居）民委员会出具证明事项清单。',
    purpose: '证明居民在本社区（村）实际居住，用于申领居住证（无房屋租赁合同、产权证明等其他住所证明时）、子女入学登记、社保和公积金业务等需要说明实际居住地的事项。',
    process: PROCESS,
    materials: [ID, PROXY],
    preconditions: [{ type: 'resident_months', months: 6 }],
    needsRelated: false,
    issuerRoles: ['community_worker'],
    validityDays: 90,
    template: '兹证明{name}，{sex}，{ethnicity}，{birthDate}出生，{idType}号码：{idNumber}，自{residentSince}起在本{unitKind}居住，现住址为{address}，至今已居住{residenceDuration}。\n此证明仅用于{purpose}。',
    active: true,
  },
  {
    code: 'kinship_household',
    title: '同户亲属关系证明',
    basis: '民发〔2020〕20号将亲属关系证明列入不应由村（居）民委员会出具的清单，户籍能证明的由公安机关出具；本市清单保留一种情形：二人在本社区基础数据中登记为同一户，且登记的与户主关系能直接说明二人关系的，社区可据登记信息出具。其他情形见减证便民指南“亲属关系证明”。',
    purpose: '证明同户居住的夫妻、父母子女、兄弟姐妹关系，用于代办社保、医保、养老服务补贴等业务时说明代办人与居民的关系。',
    process: PROCESS,
    materials: ['双方身份证件', '户口簿', PROXY],
    preconditions: [{ type: 'related_in_household', referTo: 'kinship' }],
    needsRelated: true,
    issuerRoles: ['community_worker'],
    validityDays: 90,
    template: '兹证明{name}（{sex}，{idType}号码：{idNumber}）与{relatedName}（{relatedSex}，{relatedIdType}号码：{relatedIdNumber}）在本{unitKind}基础数据中登记为同一户，{relatedName}系{name}的{relation}。\n此证明仅用于{purpose}。',
    active: true,
  },
  {
    code: 'living_alone',
    title: '独居证明',
    basis: '《中华人民共和国老年人权益保障法》；本市独居老人关爱服务和养老服务补贴政策；本市村（居）民委员会出具证明事项清单。',
    purpose: '证明老年人独自居住，用于申请独居老人关爱服务、助餐助浴、紧急呼叫设备、养老服务补贴等。',
    process: PROCESS,
    materials: [ID, PROXY],
    preconditions: [{ type: 'age_min', years: 60 }, { type: 'lives_alone' }],
    needsRelated: false,
    issuerRoles: ['community_worker'],
    validityDays: 180,
    template: '兹证明{name}，{sex}，{birthDate}出生，{idType}号码：{idNumber}，现住{address}。经查本{unitKind}基础数据，该户登记人数为{householdSize}人，{name}现独自居住。\n此证明仅用于{purpose}。',
    active: true,
  },
  {
    code: 'hardship',
    title: '困难情况证明',
    basis: '《社会救助暂行办法》（国务院令第649号）。低保、特困供养由民政部门认定，残疾由残疾人联合会认定；本证明只转述上述部门在基础数据中登记的认定结果，社区不另作认定。',
    purpose: '向学校、医院、法律援助机构、慈善组织等说明居民已被有关部门认定的困难情况，用于申请减免、救助和帮扶。',
    process: PROCESS,
    materials: [ID, PROXY],
    preconditions: [{ type: 'labels_any', labels: ['low_income', 'extreme_poverty', 'disabled'], referTo: 'hardship_unrecognised' }],
    needsRelated: false,
    issuerRoles: ['community_worker'],
    validityDays: 90,
    template: '兹证明{name}，{sex}，{idType}号码：{idNumber}，现住{address}。根据有关部门在本市基层治理基础数据中登记的认定信息，{name}为{hardship}。\n此证明仅用于{purpose}。',
    active: true,
  },
  {
    code: 'left_behind_child',
    title: '留守儿童情况证明',
    basis: '《国务院关于加强农村留守儿童关爱保护工作的意见》（国发〔2016〕13号）；村（居）民委员会协助做好留守儿童摸底排查和关爱帮扶；本市村（居）民委员会出具证明事项清单。',
    purpose: '证明儿童在本村（社区）登记为农村留守儿童，用于学校和关爱保护机构开展帮扶。',
    process: PROCESS,
    materials: ['儿童的户口簿或身份证件', '监护人身份证件'],
    preconditions: [{ type: 'labels_any', labels: ['left_behind_child'] }],
    needsRelated: false,
    issuerRoles: ['community_worker'],
    validityDays: 180,
    template: '兹证明{name}，{sex}，{birthDate}出生，{idType}号码：{idNumber}，现住{address}，在本村（社区）登记为农村留守儿童。\n此证明仅用于{purpose}。',
    active: true,
  },
];

const NOTICE = '民政部等六部门《关于改进和规范基层群众性自治组织出具证明工作的指导意见》（民发〔2020〕20号）附件《不应由基层群众性自治组织出具证明事项清单（第一批）》。';

export const nationalHandbook: HandbookInput[] = [
  {
    code: 'kinship', title: '亲属关系证明',
    authority: '公安机关（户籍登记能证明的）；公证机构（户籍登记不能证明的，办理亲属关系公证）',
    place: '户籍所在地公安派出所户籍窗口；当地公证处', contact: '派出所户籍窗口；公共法律服务热线 12348；政务服务便民热线 12345',
    materials: ['双方居民身份证、户口簿', '户籍不能证明的，带出生医学证明、结婚证、档案记载等能说明关系的材料'],
    online: true, onlineHow: '亲属关系公证可在当地公证处的线上平台预约和提交材料；部分地区公安政务服务平台可在线申请户籍类证明',
    basis: NOTICE, notes: '二人在本社区基础数据中登记为同一户、且登记关系能直接说明的（夫妻、父母子女、兄弟姐妹），社区仍可出具“同户亲属关系证明”。',
    keywords: ['家庭关系证明', '直系亲属证明', '父母子女关系', '夫妻关系', '亲属关系公证'],
  },
  {
    code: 'identity_info', title: '居民身份信息证明',
    authority: '公安机关', place: '户籍所在地公安派出所户籍窗口', contact: '派出所户籍窗口；政务服务便民热线 12345',
    materials: ['居民身份证', '户口簿'], online: false, onlineHow: null, basis: NOTICE,
    notes: '身份信息以居民身份证、户口簿为准；确需书面证明的（如曾用名、同一人），由户籍地派出所出具户籍证明。',
    keywords: ['身份证明', '户籍证明', '同一人证明', '曾用名证明'],
  },
  {
    code: 'hukou_change', title: '户口登记项目内容变更申请证明',
    authority: '公安机关', place: '户籍所在地公安派出所户籍窗口', contact: '派出所户籍窗口；政务服务便民热线 12345',
    materials: ['居民身份证、户口簿', '能证明正确信息的原始材料（如出生医学证明、学籍档案、结婚证等）'], online: false, onlineHow: null, basis: NOTICE,
    notes: '变更、更正姓名、出生日期、民族等户口登记项目，凭原始材料直接向派出所申请，不需要社区证明。',
    keywords: ['改名', '更正出生日期', '户口本信息变更', '户口更正'],
  },
  {
    code: 'dog', title: '居民养犬证明',
    authority: '公安机关或当地规定的养犬管理部门', place: '居住地公安派出所或养犬登记窗口', contact: '政务服务便民热线 12345',
    materials: ['居民身份证', '住所证明', '犬只狂犬病免疫证明'], online: false, onlineHow: null, basis: NOTICE, notes: '按本市养犬管理规定办理养犬登记。',
    keywords: ['狗证', '养犬登记', '犬证'],
  },
  {
    code: 'no_criminal_record', title: '无犯罪记录证明',
    authority: '公安机关', place: '户籍所在地或居住地公安派出所', contact: '派出所户籍窗口；政务服务便民热线 12345',
    materials: ['居民身份证', '户口簿或居住证', '委托他人办理的，带委托书和受托人身份证'],
    online: true, onlineHow: '可通过公安部“互联网+政务服务”平台或本省公安政务服务平台在线申请，审核后下载电子证明',
    basis: NOTICE, notes: '社区不出具“表现良好”“无违法犯罪”一类证明。',
    keywords: ['良民证', '政审证明', '无违法犯罪记录', '出国', '入职'],
  },
  {
    code: 'drug_rehab', title: '社区戒毒社区康复人员情况证明（表现证明）',
    authority: '乡镇人民政府、街道办事处社区戒毒社区康复工作机构', place: '所在街道（乡镇）禁毒办或社区戒毒社区康复工作站', contact: '街道（乡镇）禁毒办',
    materials: ['居民身份证', '社区戒毒（康复）协议'], online: false, onlineHow: null, basis: NOTICE, notes: null,
    keywords: ['戒毒表现证明', '社区康复'],
  },
  {
    code: 'missing_person', title: '人员失踪证明',
    authority: '人民法院（宣告失踪）；公安机关（报案回执、查找情况）', place: '下落不明人住所地基层人民法院；报案的公安机关', contact: '公共法律服务热线 12348；报警 110',
    materials: ['申请书', '公安机关或者其他有关机关关于该公民下落不明的书面证明', '申请人身份证件及与失踪人的关系证明'],
    online: false, onlineHow: null, basis: NOTICE, notes: '公民下落不明满二年的，利害关系人可以向人民法院申请宣告其为失踪人。',
    keywords: ['走失证明', '下落不明', '宣告失踪'],
  },
  {
    code: 'marital_status', title: '婚姻状况证明',
    authority: '婚姻登记机关（民政部门）', place: '县（区）民政局婚姻登记处', contact: '婚姻登记处；政务服务便民热线 12345',
    materials: ['居民身份证', '户口簿'], online: false, onlineHow: null, basis: NOTICE,
    notes: '已婚、离婚可凭结婚证、离婚证或到婚姻登记机关查询婚姻登记档案；需要说明未婚或未再婚的，一般由本人书面声明（告知承诺）。',
    keywords: ['单身证明', '未婚证明', '未再婚证明', '离婚证明', '婚姻登记记录'],
  },
  {
    code: 'birth', title: '出生证明',
    authority: '助产医疗机构（卫生健康部门）', place: '出生时的助产医院；遗失补发到原签发医院', contact: '卫生健康热线 12320；原签发医院',
    materials: ['父母身份证件', '住院分娩记录'], online: false, onlineHow: null, basis: NOTICE, notes: '出生证明即《出生医学证明》，由助产机构签发。',
    keywords: ['出生医学证明', '补发出生证', '出生日期证明'],
  },
  {
    code: 'alive', title: '健在证明',
    authority: '人力资源社会保障部门（领取养老金资格认证）；境外居住的，中国驻外使领馆或公证机构', place: '社保经办机构窗口；或手机上自助认证', contact: '人社服务热线 12333',
    materials: ['居民身份证或社会保障卡'],
    online: true, onlineHow: '国家社会保险公共服务平台、掌上12333 APP 或电子社保卡，刷脸完成领取待遇资格认证',
    basis: NOTICE, notes: '行动不便的老人可由社区网格员上门协助刷脸认证（帮办代办）。',
    keywords: ['生存证明', '活着证明', '养老金认证', '资格认证', '生存认证'],
  },
  {
    code: 'death', title: '死亡证明',
    authority: '医疗卫生机构（《居民死亡医学证明（推断）书》）；非正常死亡由公安机关出具', place: '救治或出具推断的医疗卫生机构；非正常死亡为处理的公安机关', contact: '卫生健康热线 12320；派出所',
    materials: ['死者身份证件', '申报人身份证件'], online: false, onlineHow: null, basis: NOTICE,
    notes: '在家中正常死亡的，由负责该地区的基层医疗卫生机构调查后出具《居民死亡医学证明（推断）书》。',
    keywords: ['死亡医学证明', '注销户口', '火化'],
  },
  {
    code: 'illness', title: '疾病状况证明',
    authority: '医疗机构', place: '就诊医院', contact: '卫生健康热线 12320',
    materials: ['居民身份证', '病历、检查报告'], online: false, onlineHow: null, basis: NOTICE, notes: '由诊治医院出具诊断证明书。',
    keywords: ['病情证明', '诊断证明', '生病证明'],
  },
  {
    code: 'disability', title: '残疾状况证明',
    authority: '残疾人联合会（《中华人民共和国残疾人证》）', place: '户籍所在地县（区）残疾人联合会', contact: '县（区）残联；政务服务便民热线 12345',
    materials: ['居民身份证、户口簿', '近期免冠照片', '指定医疗机构的残疾评定结果'],
    online: true, onlineHow: '部分地区可在政务服务平台在线申请办理残疾人证、查询残疾等级',
    basis: NOTICE, notes: '已有残疾人证的，以残疾人证为准。',
    keywords: ['残疾证', '残疾等级', '伤残证明'],
  },
  {
    code: 'childbearing', title: '婚育状况证明',
    authority: '卫生健康部门', place: '户籍地或居住地乡镇（街道）卫生健康窗口', contact: '卫生健康热线 12320',
    materials: ['夫妻双方身份证件', '结婚证'], online: true, onlineHow: '生育登记多数地区已实行网上办理，在本省政务服务平台提交并由本人承诺',
    basis: NOTICE, notes: null,
    keywords: ['生育证明', '计划生育证明', '生育登记', '独生子女证明'],
  },
  {
    code: 'employment', title: '居民就业状况证明',
    authority: '人力资源社会保障部门（公共就业服务机构）', place: '街道（乡镇）劳动保障所或区县公共就业服务机构', contact: '人社服务热线 12333',
    materials: ['居民身份证或社会保障卡'], online: true, onlineHow: '可通过电子社保卡、掌上12333 APP 或本省人社网上服务平台查询、打印就业失业登记信息',
    basis: NOTICE, notes: '在职情况由用人单位出具。',
    keywords: ['无业证明', '失业证明', '待业证明', '在职证明', '就业失业登记'],
  },
  {
    code: 'personal_file', title: '居民个人档案证明',
    authority: '档案保管机构（公共就业和人才服务机构、用人单位人事部门、学校等）', place: '本人档案所在的保管机构', contact: '档案保管机构',
    materials: ['居民身份证'], online: false, onlineHow: null, basis: NOTICE, notes: null,
    keywords: ['档案证明', '档案在哪'],
  },
  {
    code: 'property', title: '居民财产证明',
    authority: '不动产登记机构（房屋）；开户银行（存款）；公安交管部门（车辆）', place: '不动产登记中心；开户银行网点；车辆管理所', contact: '政务服务便民热线 12345',
    materials: ['居民身份证'], online: true, onlineHow: '不动产登记信息可在本地不动产登记网上服务平台查询；存款证明可在部分银行手机银行申请',
    basis: NOTICE, notes: '社区不出具房产、存款、收入、“无房”等财产证明。',
    keywords: ['房产证明', '无房证明', '存款证明', '收入证明', '车辆证明'],
  },
  {
    code: 'inheritance', title: '遗产继承权证明',
    authority: '公证机构（继承权公证）；人民法院（继承纠纷）', place: '当地公证处；被继承人住所地或遗产所在地人民法院', contact: '公共法律服务热线 12348',
    materials: ['被继承人死亡证明', '继承人身份证件', '亲属关系材料', '遗产权属证明'], online: false, onlineHow: null, basis: NOTICE,
    notes: '不动产继承可凭相关材料直接向不动产登记机构申请，不需要社区证明。',
    keywords: ['继承证明', '遗产', '过户', '继承公证'],
  },
  {
    code: 'business_address', title: '市场主体住所证明',
    authority: '市场监督管理部门', place: '区县政务服务中心市场监管窗口', contact: '政务服务便民热线 12345',
    materials: ['房屋产权证明或租赁合同', '住所（经营场所）申报承诺书'], online: true, onlineHow: '企业登记可在本省企业开办“一网通办”平台在线办理，住所实行申报承诺',
    basis: NOTICE, notes: '注册地址、经营场所不需要社区证明。',
    keywords: ['营业执照地址证明', '经营场所证明', '公司住所证明', '注册地址'],
  },
  {
    code: 'lost_document', title: '证件遗失证明',
    authority: '证件的签发机关', place: '原签发机关（如身份证向户籍地派出所申请补领）', contact: '原签发机关；政务服务便民热线 12345',
    materials: ['居民身份证或其他身份证件', '补领申请'], online: true, onlineHow: '居民身份证等证件可在部分地区政务服务平台申请挂失、补领；遗失声明可自行在线发布',
    basis: NOTICE, notes: '证件遗失的，直接向签发机关申请挂失、补领，不需要社区证明。',
    keywords: ['丢失证明', '挂失', '补办', '遗失声明'],
  },
  {
    code: 'hardship_unrecognised', title: '家庭经济困难证明（未经有关部门认定的）',
    authority: '街道办事处、乡镇人民政府（社会救助）；学生资助由学校认定', place: '所在街道（乡镇）社会救助窗口；学生所在学校资助部门', contact: '政务服务便民热线 12345',
    materials: ['居民身份证、户口簿', '家庭收入和财产情况说明'], online: false, onlineHow: null,
    basis: '《社会救助暂行办法》（国务院令第649号）；教育部等六部门《关于做好家庭经济困难学生认定工作的指导意见》（教财〔2018〕16号）。',
    notes: '社区只能转述民政、残联已认定的低保、特困、残疾情况（见“困难情况证明”）；尚未认定的，可向街道（乡镇）申请低保或临时救助；学生资助实行个人承诺，不需要社区证明。',
    keywords: ['贫困证明', '困难证明', '低收入证明', '助学金', '学生资助'],
  },
];
