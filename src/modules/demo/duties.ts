// Demo content for the duty lists (权责清单): the city catalogue of common items, in the wording of
// published 街道权责清单, adopted by the featured street (兴华街道) and adjusted there once; an
// admission application of 民政 waiting for the reviewer and a hand-back request waiting for
// 住建. Everything goes through the module's service, as the people would do it.
import type { BuiltApp } from '../../app.js';
import { rolePermissions, type Role } from '../../platform/auth/roles.js';
import { systemContext, type AuthedContext } from '../../platform/context.js';
import type { CatalogueIn } from '../duty-lists/index.js';

type Row = [name: string, category: string, basis: string, carrier: string, department: string, cooperation: string, community: boolean];

const BASIC: Row[] = [
  ['基层党组织建设', '党的建设', '《中国共产党章程》《中国共产党支部工作条例（试行）》', '党建工作办公室', '', '', true],
  ['党员教育管理', '党的建设', '《中国共产党党员教育管理工作条例》', '党建工作办公室', '', '', true],
  ['发展党员工作', '党的建设', '《中国共产党发展党员工作细则》', '党建工作办公室', '', '', true],
  ['党风廉政建设和反腐败工作', '党的建设', '《中国共产党纪律处分条例》', '纪工委', '', '', false],
  ['意识形态工作', '党的建设', '《党委（党组）意识形态工作责任制实施办法》', '党建工作办公室', '', '', true],
  ['统一战线工作', '党的建设', '《中国共产党统一战线工作条例》', '党建工作办公室', '', '', false],
  ['工会、共青团、妇联等群团组织建设', '党的建设', '《中华人民共和国工会法》《中国共产主义青年团章程》', '党建工作办公室', '', '', true],
  ['社区居民自治指导', '基层治理', '《中华人民共和国城市居民委员会组织法》', '社区建设办公室', '', '', true],
  ['村（居）民委员会换届选举指导', '基层治理', '《中华人民共和国村民委员会组织法》', '社区建设办公室', '', '', true],
  ['社区工作者队伍建设', '基层治理', '《关于加强社区工作者队伍建设的意见》', '社区建设办公室', '', '', true],
  ['网格化服务管理', '基层治理', '《关于加强基层治理体系和治理能力现代化建设的意见》', '综合治理中心', '', '', true],
  ['新时代文明实践所（站）建设', '基层治理', '《关于建设新时代文明实践中心试点工作的指导意见》', '党建工作办公室', '', '', true],
  ['志愿服务组织和管理', '基层治理', '《志愿服务条例》', '社区建设办公室', '', '', true],
  ['矛盾纠纷排查化解', '平安建设', '《中华人民共和国人民调解法》', '综合治理中心', '', '', true],
  ['信访工作', '平安建设', '《信访工作条例》', '综合治理中心', '', '', true],
  ['综治中心建设运行', '平安建设', '《关于加强社会治安防控体系建设的意见》', '综合治理中心', '', '', false],
  ['安全生产属地管理', '平安建设', '《中华人民共和国安全生产法》第七十九条', '应急管理办公室', '', '', true],
  ['防汛抗旱和防灾减灾', '平安建设', '《中华人民共和国防洪法》《自然灾害救助条例》', '应急管理办公室', '', '', true],
  ['突发事件先期处置', '平安建设', '《中华人民共和国突发事件应对法》', '应急管理办公室', '', '', true],
  ['禁毒宣传教育', '平安建设', '《中华人民共和国禁毒法》', '综合治理中心', '', '', true],
  ['反邪教宣传教育', '平安建设', '《关于加强反邪教工作的意见》', '综合治理中心', '', '', true],
  ['社会救助申请受理和初审', '民生服务', '《社会救助暂行办法》第十一条', '便民服务中心', '', '', true],
  ['养老服务', '民生服务', '《中华人民共和国老年人权益保障法》', '便民服务中心', '', '', true],
  ['残疾人基本服务', '民生服务', '《中华人民共和国残疾人保障法》', '便民服务中心', '', '', true],
  ['退役军人服务站建设管理', '民生服务', '《中华人民共和国退役军人保障法》', '退役军人服务站', '', '', true],
  ['就业创业服务', '民生服务', '《中华人民共和国就业促进法》', '便民服务中心', '', '', true],
  ['城乡居民基本养老保险经办', '民生服务', '《国务院关于建立统一的城乡居民基本养老保险制度的意见》', '便民服务中心', '', '', true],
  ['未成年人保护', '民生服务', '《中华人民共和国未成年人保护法》第八十一条', '社区建设办公室', '', '', true],
  ['计划生育和家庭发展服务', '民生服务', '《中华人民共和国人口与计划生育法》', '便民服务中心', '', '', true],
  ['辖区经济运行监测', '经济发展', '《中华人民共和国统计法》', '经济发展办公室', '', '', false],
  ['营商环境优化服务', '经济发展', '《优化营商环境条例》', '经济发展办公室', '', '', false],
  ['统计调查', '经济发展', '《中华人民共和国统计法实施条例》', '经济发展办公室', '', '', true],
  ['环境卫生管理', '城乡建设', '《城市市容和环境卫生管理条例》', '城市管理办公室', '', '', true],
  ['物业管理指导监督', '城乡建设', '《物业管理条例》', '城市管理办公室', '', '', true],
  ['老旧小区改造组织协调', '城乡建设', '《国务院办公厅关于全面推进城镇老旧小区改造工作的指导意见》', '城市管理办公室', '', '', true],
  ['爱国卫生运动', '城乡建设', '《国务院关于深入开展爱国卫生运动的意见》', '城市管理办公室', '', '', true],
  ['公共文化服务', '民生服务', '《中华人民共和国公共文化服务保障法》', '党建工作办公室', '', '', true],
  ['全民健身活动组织', '民生服务', '《全民健身条例》', '党建工作办公室', '', '', true],
];

const COOPERATIVE: Row[] = [
  ['安全生产监督检查配合', '平安建设', '《中华人民共和国安全生产法》', '区应急管理局', '应急', '配合开展辖区生产经营单位安全检查，发现隐患及时报告并督促整改', false],
  ['食品安全监督检查配合', '市场监管', '《中华人民共和国食品安全法》', '区市场监督管理局', '市场监管', '配合开展食品安全隐患排查和宣传，发现问题及时报告', true],
  ['违法建设巡查报告', '城乡建设', '《中华人民共和国城乡规划法》第六十四条', '区住房和城乡建设局', '住建', '日常巡查，发现违法建设及时制止并报告', true],
  ['燃气安全检查配合', '城乡建设', '《城镇燃气管理条例》', '区住房和城乡建设局', '住建', '配合燃气企业入户安检，组织社区宣传', true],
  ['房屋安全隐患排查配合', '城乡建设', '《城市危险房屋管理规定》', '区住房和城乡建设局', '住建', '配合排查辖区自建房和老旧房屋安全隐患', true],
  ['城市生活垃圾分类督导配合', '城乡建设', '《城市生活垃圾管理办法》', '区住房和城乡建设局', '住建', '组织社区开展垃圾分类宣传和桶前督导', true],
  ['低保对象入户核查配合', '民生服务', '《社会救助暂行办法》', '区民政局', '民政', '配合开展家庭经济状况入户调查和公示', true],
  ['特困人员供养状况核查配合', '民生服务', '《特困人员认定办法》', '区民政局', '民政', '配合核查特困人员生活状况', true],
  ['高龄津贴申请审核配合', '民生服务', '《中华人民共和国老年人权益保障法》', '区民政局', '民政', '受理申请并初核材料，报民政部门审核', true],
  ['殡葬改革宣传配合', '民生服务', '《殡葬管理条例》', '区民政局', '民政', '配合开展文明祭扫和殡葬改革宣传', true],
  ['残疾人证办理配合', '民生服务', '《中华人民共和国残疾人证管理办法》', '区残疾人联合会', '残联', '受理申请并转报，协助组织评残', true],
  ['无障碍环境建设配合', '民生服务', '《中华人民共和国无障碍环境建设法》', '区残疾人联合会', '残联', '配合排查公共场所无障碍设施', false],
  ['疫苗接种组织配合', '卫生健康', '《中华人民共和国疫苗管理法》', '区卫生健康局', '卫健', '配合通知和组织重点人群接种', true],
  ['老年人健康体检组织配合', '卫生健康', '《国家基本公共卫生服务规范》', '区卫生健康局', '卫健', '配合通知组织 65 岁以上老年人体检', true],
  ['严重精神障碍患者关爱帮扶配合', '卫生健康', '《中华人民共和国精神卫生法》', '区卫生健康局', '卫健', '配合落实关爱帮扶小组工作', true],
  ['流动人口登记配合', '平安建设', '《居住证暂行条例》', '区公安分局', '公安', '配合采集流动人口信息', true],
  ['出租房屋治安管理配合', '平安建设', '《租赁房屋治安管理规定》', '区公安分局', '公安', '配合排查出租房屋，督促登记备案', true],
  ['交通安全劝导配合', '平安建设', '《中华人民共和国道路交通安全法》', '区公安分局', '公安', '配合开展农村道路交通安全劝导', true],
  ['人民调解组织建设配合', '平安建设', '《中华人民共和国人民调解法》', '区司法局', '司法', '配合指导村（居）人民调解委员会建设', true],
  ['法治宣传教育配合', '平安建设', '《关于加强法治宣传教育的决议》', '区司法局', '司法', '配合开展“八五”普法和民主法治示范村（社区）创建', true],
  ['社区矫正对象日常管理配合', '平安建设', '《中华人民共和国社区矫正法》第十二条', '区司法局', '司法', '配合做好社区矫正对象走访和教育帮扶', true],
  ['根治欠薪线索摸排配合', '民生服务', '《保障农民工工资支付条例》', '区人力资源和社会保障局', '人社', '配合摸排欠薪线索并报告', false],
  ['劳动保障监察协查配合', '民生服务', '《劳动保障监察条例》', '区人力资源和社会保障局', '人社', '配合开展劳动用工检查', false],
  ['退役军人信息采集配合', '民生服务', '《中华人民共和国退役军人保障法》', '区退役军人事务局', '退役军人', '配合采集、更新退役军人信息', true],
  ['义务教育控辍保学配合', '民生服务', '《中华人民共和国义务教育法》', '区教育局', '教育', '配合劝返辍学适龄儿童少年', true],
  ['校园周边环境整治配合', '平安建设', '《中华人民共和国未成年人保护法》', '区教育局', '教育', '配合开展校园周边环境排查整治', false],
  ['市场主体登记信息核查配合', '市场监管', '《中华人民共和国市场主体登记管理条例》', '区市场监督管理局', '市场监管', '配合核查市场主体住所信息', false],
  ['特种设备安全宣传配合', '市场监管', '《中华人民共和国特种设备安全法》', '区市场监督管理局', '市场监管', '配合开展电梯等特种设备安全宣传', true],
  ['征兵宣传和兵役登记配合', '民生服务', '《中华人民共和国兵役法》', '区人民武装部', '', '配合组织兵役登记和征兵宣传', true],
  ['生态环境问题巡查配合', '城乡建设', '《中华人民共和国环境保护法》', '区生态环境分局', '', '配合巡查并报告辖区生态环境问题', true],
];

const TAKEN_BACK: Row[] = [
  ['违法建设拆除', '城乡建设', '《中华人民共和国城乡规划法》第六十八条', '区住房和城乡建设局', '住建', '', false],
  ['建设工程施工许可', '城乡建设', '《中华人民共和国建筑法》第七条', '区住房和城乡建设局', '住建', '', false],
  ['房屋征收补偿决定', '城乡建设', '《国有土地上房屋征收与补偿条例》', '区住房和城乡建设局', '住建', '', false],
  ['无犯罪记录证明出具', '平安建设', '《公安机关办理犯罪记录查询工作规定》', '区公安分局', '公安', '', false],
  ['户口迁移审批', '平安建设', '《中华人民共和国户口登记条例》', '区公安分局', '公安', '', false],
  ['养犬登记', '平安建设', '《太原市养犬管理条例》', '区公安分局', '公安', '', false],
  ['特困人员认定审批', '民生服务', '《特困人员认定办法》第十三条', '区民政局', '民政', '', false],
  ['社会组织登记', '民生服务', '《社会团体登记管理条例》', '区民政局', '民政', '', false],
  ['残疾等级评定', '民生服务', '《残疾人残疾分类和分级》（GB/T 26341）', '区残疾人联合会', '残联', '', false],
  ['医疗机构执业监督检查', '卫生健康', '《医疗机构管理条例》', '区卫生健康局', '卫健', '', false],
  ['出生医学证明签发', '卫生健康', '《中华人民共和国母婴保健法》', '区卫生健康局', '卫健', '', false],
  ['劳动人事争议仲裁', '民生服务', '《中华人民共和国劳动争议调解仲裁法》', '区人力资源和社会保障局', '人社', '', false],
  ['法律援助审查', '平安建设', '《中华人民共和国法律援助法》', '区司法局', '司法', '', false],
  ['食品经营许可现场核查', '市场监管', '《食品经营许可和备案管理办法》', '区市场监督管理局', '市场监管', '', false],
  ['义务教育招生划片', '民生服务', '《中华人民共和国义务教育法》第十二条', '区教育局', '教育', '', false],
];

/** How a published list names the district's department. */
const DEPT_TEXT: Record<string, string> = {
  住建: '区住建局', 卫健: '区卫健局', 市场监管: '区市场监管局', 残联: '区残联', 人社: '区人社局', 退役军人: '区退役军人事务局', 教育: '区教育局', 司法: '区司法局', 公安: '区公安分局', 民政: '区民政局', 应急: '区应急管理局',
};

function catalogue(): CatalogueIn[] {
  const to = (listKind: CatalogueIn['listKind']) => ([name, category, basis, carrier, department, cooperation, community]: Row, i: number): CatalogueIn => ({
    listKind, seq: i + 1, name, category, basis, carrier, departmentName: department ? (DEPT_TEXT[department] ?? carrier) : null, cooperation: cooperation || null, communityInvolved: community,
  });
  return [...BASIC.map(to('basic')), ...COOPERATIVE.map(to('cooperative')), ...TAKEN_BACK.map(to('taken_back'))];
}

export async function contextOf(built: BuiltApp, username: string): Promise<AuthedContext | null> {
  const u = await built.platform.auth.findUserByName(username);
  if (!u) return null;
  const role = u.role as Role;
  return {
    principal: { kind: 'user', userId: u.id, tokenId: null, username: u.username, displayName: u.displayName, role, permissions: new Set(rolePermissions[role]), nodeId: u.nodeId, treePath: u.treePath, departmentId: u.departmentId ?? null, gridWorkerKind: null, sessionDigest: null },
    lang: 'zh', ip: 'local', requestId: `demo-duties-${Date.now().toString(36)}`,
  };
}

/** Loads the catalogue when it is empty and gives the demo street its lists; a second run does nothing. */
export async function seedDutyDemo(built: BuiltApp, opts: { log?: (m: string) => void } = {}): Promise<{ catalogue: number; items: number }> {
  const duty = built.modules.dutyLists.service.lists;
  if ((await duty.catalogue({ includeRetired: true })).length) return { catalogue: 0, items: 0 };
  const n = await duty.addCatalogueItems(systemContext('demo-seed'), catalogue());
  const street = await contextOf(built, 'street');
  if (!street) return { catalogue: n, items: 0 };
  const townshipId = street.principal.nodeId;
  const adopted = await duty.adopt(street, townshipId, { reason: '依据区委编办印发的街道权责清单，采用市级通用事项目录' });
  const lists = await duty.lists(street, townshipId, {});
  const safety = lists.items.find((i) => i.name === '安全生产属地管理');
  if (safety) await duty.updateItem(street, safety.id, { carrier: '应急管理办公室（综合行政执法队）', reason: '街道机构改革后由综合行政执法队承担执法协助' });
  const minzheng = await contextOf(built, 'minzheng');
  if (minzheng) {
    await built.modules.dutyLists.service.admissions.apply(minzheng, {
      title: '困难群众“一户一策”动态走访', listKind: 'cooperative', category: '民生服务', purpose: '低保、特困等困难群众需按季度走访，掌握家庭变化', basis: '《社会救助暂行办法》第十四条',
      cooperation: '社区网格员每季度走访一次并在平台记录', targetNodeIds: [townshipId], startDate: '2026-01-01', endDate: null, resources: '每个社区每年工作经费 1 万元，民政部门组织培训 2 次',
    });
  }
  const gas = lists.items.find((i) => i.name === '燃气安全检查配合');
  if (gas) await built.modules.dutyLists.service.handbacks.request(street, { townshipId, itemId: gas.id, reasonKind: 'cannot_carry', reasonText: '入户安检需要持证专业人员，街道没有检测设备和资质', evidence: '2025 年辖区 3,200 户燃气入户安检全部由燃气公司完成，街道仅组织通知' });
  opts.log?.(`duty lists: catalogue of ${n} items, ${adopted.added} adopted by the demo street`);
  return { catalogue: n, items: adopted.added };
}
