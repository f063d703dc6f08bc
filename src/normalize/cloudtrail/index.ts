import type { Decoded } from '../../decode/types.js';
import type { EcsFields } from '../../event/model.js';
import type { Mapper, MapperContext, MapResult } from '../types.js';
import { fail } from '../common/doc.js';
import { fromIsoWithZone } from '../common/time.js';
import { bool, compact, hasKeys, ip, isRecord, str, type Rec } from '../common/values.js';

/** AWS CloudTrail records (management and data events), mapped as Elastic's aws.cloudtrail data stream does. */

const SOURCE = 'cloudtrail';

interface Kind { category: string[]; type: string[] }
const AUTH: Kind = { category: ['authentication'], type: ['info'] };
const KIND_TABLE: Readonly<Record<string, Kind>> = {
  ConsoleLogin: AUTH, AssumeRole: AUTH, AssumeRoleWithSAML: AUTH, AssumeRoleWithWebIdentity: AUTH,
  GetSessionToken: AUTH, GetFederationToken: AUTH, CheckMfa: AUTH, SwitchRole: AUTH, ExitRole: AUTH, RenewRole: AUTH,
  CreateUser: { category: ['iam'], type: ['user', 'creation'] },
  DeleteUser: { category: ['iam'], type: ['user', 'deletion'] },
  UpdateUser: { category: ['iam'], type: ['user', 'change'] },
  CreateLoginProfile: { category: ['iam'], type: ['user', 'change'] },
  UpdateLoginProfile: { category: ['iam'], type: ['user', 'change'] },
  DeleteLoginProfile: { category: ['iam'], type: ['user', 'change'] },
  CreateAccessKey: { category: ['iam'], type: ['user', 'change'] },
  DeleteAccessKey: { category: ['iam'], type: ['user', 'change'] },
  UpdateAccessKey: { category: ['iam'], type: ['user', 'change'] },
  ChangePassword: { category: ['iam'], type: ['user', 'change'] },
  CreateVirtualMFADevice: { category: ['iam'], type: ['user', 'change'] },
  DeactivateMFADevice: { category: ['iam'], type: ['user', 'change'] },
  AttachUserPolicy: { category: ['iam'], type: ['user', 'change'] },
  DetachUserPolicy: { category: ['iam'], type: ['user', 'change'] },
  PutUserPolicy: { category: ['iam'], type: ['user', 'change'] },
  CreateGroup: { category: ['iam'], type: ['group', 'creation'] },
  DeleteGroup: { category: ['iam'], type: ['group', 'deletion'] },
  AddUserToGroup: { category: ['iam'], type: ['group', 'change'] },
  RemoveUserFromGroup: { category: ['iam'], type: ['group', 'change'] },
  AttachGroupPolicy: { category: ['iam'], type: ['group', 'change'] },
  DetachGroupPolicy: { category: ['iam'], type: ['group', 'change'] },
  CreateRole: { category: ['iam'], type: ['creation'] },
  DeleteRole: { category: ['iam'], type: ['deletion'] },
  AttachRolePolicy: { category: ['iam'], type: ['change'] },
  DetachRolePolicy: { category: ['iam'], type: ['change'] },
  PutRolePolicy: { category: ['iam'], type: ['change'] },
  UpdateAssumeRolePolicy: { category: ['iam'], type: ['change'] },
  CreatePolicy: { category: ['iam'], type: ['creation'] },
  DeletePolicy: { category: ['iam'], type: ['deletion'] },
  CreatePolicyVersion: { category: ['iam'], type: ['change'] },
};
/** A Map, not the object: looking a record's (fresh, uninternalized) eventName up in it is cheaper, and names like `toString` find nothing. */
const KINDS: ReadonlyMap<string, Kind> = new Map(Object.entries(KIND_TABLE));

/**
 * Split a CloudTrail file (`{"Records": [...]}`, as delivered to S3) into its records.
 * Returns a reason string when the document is not such a file.
 */
export function cloudtrailRecords(doc: unknown): Rec[] | { error: string } {
  if (!isRecord(doc)) return { error: 'a CloudTrail file is a JSON object' };
  const records = doc.Records;
  if (!Array.isArray(records)) return { error: 'a CloudTrail file has a "Records" array' };
  const out: Rec[] = [];
  for (let i = 0; i < records.length; i++) {
    const r: unknown = records[i];
    if (!isRecord(r)) return { error: `Records[${i}] is not an object` };
    out.push(r);
  }
  return out;
}

const DIGITS = /^\d+$/;

/** `TLSv1.2` -> `1.2` (what /^TLSv(\d(?:\.\d)?)$/ captures), without a match array per record. */
function tlsVersion(s: string | undefined): string | undefined {
  if (s === undefined || !s.startsWith('TLSv')) return undefined;
  const n = s.length;
  if (n === 5 ? isDigit(s, 4) : n === 7 && isDigit(s, 4) && s.charCodeAt(5) === 0x2e && isDigit(s, 6)) return s.slice(4);
  return undefined;
}
function isDigit(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 0x30 && c <= 0x39;
}
const yesNo = (v: unknown): boolean | undefined => (v === 'Yes' ? true : v === 'No' ? false : bool(v));

function detect(d: Decoded): boolean {
  const f = d.fields;
  return d.format === 'json' && typeof f.eventName === 'string' && typeof f.eventTime === 'string'
    && typeof f.eventSource === 'string' && f.eventSource.endsWith('.amazonaws.com');
}

function map(d: Decoded, _ctx: MapperContext): MapResult {
  const f = d.fields;
  if (Array.isArray(f.Records)) return fail(SOURCE, 'file_wrapper', 'this is a CloudTrail file; split it with cloudtrailRecords() first');
  const eventTime = f.eventTime;
  if (typeof eventTime !== 'string') return fail(SOURCE, 'missing_event_time', 'CloudTrail record has no string "eventTime"');
  const ts = fromIsoWithZone(eventTime);
  if (ts === undefined) return fail(SOURCE, 'bad_timestamp', `"eventTime" is not an ISO 8601 time with a zone: ${JSON.stringify(eventTime.slice(0, 64))}`);
  const eventName = str(f.eventName);
  if (eventName === undefined) return fail(SOURCE, 'missing_event_name', 'CloudTrail record has no string "eventName"');
  const eventSource = str(f.eventSource);
  if (eventSource === undefined) return fail(SOURCE, 'missing_event_source', 'CloudTrail record has no string "eventSource"');
  if (f.userIdentity !== undefined && !isRecord(f.userIdentity)) return fail(SOURCE, 'bad_user_identity', '"userIdentity" must be an object');

  // Built as fixed-shape literals with named fields rather than EventDoc path puts (which cost more
  // than parsing the record); keys go in in the order the puts added them, undefined stays out.
  const event: Rec = { kind: 'event', module: 'aws', dataset: 'aws.cloudtrail', action: eventName, provider: eventSource };
  const root: Rec = { '@timestamp': ts, event };
  const eventId = str(f.eventID);
  if (eventId !== undefined) event.id = eventId;
  const kind = KINDS.get(eventName);
  if (kind?.category !== undefined) event.category = kind.category;
  event.type = kind?.type ?? ['info'];

  const req = isRecord(f.requestParameters) ? f.requestParameters : undefined;
  const resp = isRecord(f.responseElements) ? f.responseElements : undefined;
  const extra = isRecord(f.additionalEventData) ? f.additionalEventData : undefined;
  const errorCode = str(f.errorCode);
  const loginFailed = eventName === 'ConsoleLogin' && resp?.ConsoleLogin === 'Failure';
  event.outcome = errorCode !== undefined || loginFailed ? 'failure' : 'success';

  const ui = isRecord(f.userIdentity) ? f.userIdentity : {};
  const sc = isRecord(ui.sessionContext) ? ui.sessionContext : {};
  const issuer = isRecord(sc.sessionIssuer) ? sc.sessionIssuer : {};
  const attrs = isRecord(sc.attributes) ? sc.attributes : {};
  const userName = str(ui.userName);
  const name = userName ?? str(issuer.userName) ?? (str(ui.type) === 'Root' ? 'root' : undefined);
  const relatedUser: string[] = [];
  const user: Rec = {};
  let hasUser = false;
  const principal = str(ui.principalId);
  if (principal !== undefined) { user.id = principal; hasUser = true; }
  if (name !== undefined) { user.name = name; hasUser = true; }
  if (userName !== undefined && userName.includes('@')) { user.email = userName; hasUser = true; }
  if (userName !== undefined && userName.length > 0) relatedUser.push(userName);

  const target = eventName === 'CreateUser' || eventName === 'DeleteUser' ? str(req?.userName) : undefined;
  if (target !== undefined) {
    const t: Rec = { name: target };
    const created = isRecord(resp?.user) ? resp.user : undefined;
    const targetId = str(created?.userId);
    if (targetId !== undefined) t.id = targetId;
    user.target = t;
    hasUser = true;
    if (target.length > 0 && !relatedUser.includes(target)) relatedUser.push(target);
  }
  if (hasUser) root.user = user;

  let sip: string | undefined;
  const srcRaw = str(f.sourceIPAddress);
  if (srcRaw !== undefined) {
    const source: Rec = { address: srcRaw };
    sip = ip(srcRaw);
    if (sip !== undefined) source.ip = sip;
    else source.domain = srcRaw;
    root.source = source;
  }
  const agent = str(f.userAgent);
  if (agent !== undefined) root.user_agent = { original: agent };

  const cloud: Rec = { provider: 'aws' };
  root.cloud = cloud;
  const region = str(f.awsRegion);
  if (region !== undefined) cloud.region = region;
  const accountId = str(f.recipientAccountId) ?? str(ui.accountId);
  if (accountId !== undefined) cloud.account = { id: accountId };
  if (eventSource.endsWith('.amazonaws.com')) cloud.service = { name: eventSource.slice(0, -'.amazonaws.com'.length) };

  const tlsIn = isRecord(f.tlsDetails) ? f.tlsDetails : undefined;
  if (tlsIn !== undefined) {
    const tls: Rec = {};
    let hasTls = false;
    const v = tlsVersion(str(tlsIn.tlsVersion));
    if (v !== undefined) {
      tls.version = v;
      tls.version_protocol = 'tls';
      hasTls = true;
    }
    const cipher = str(tlsIn.cipherSuite);
    if (cipher !== undefined) { tls.cipher = cipher; hasTls = true; }
    const host = str(tlsIn.clientProvidedHostHeader);
    if (host !== undefined) { tls.client = { server_name: host }; hasTls = true; }
    if (hasTls) root.tls = tls;
  }

  // aws.cloudtrail: what compact() of the nested vendor literal used to produce, built directly so
  // the request/response subtrees are walked once, not once per enclosing compact().
  // Named writes, not a helper taking the key: a store through a variable key is a slow generic one.
  const identity: Rec = {};
  const idType = str(ui.type);
  if (idType !== undefined) identity.type = idType;
  const idArn = str(ui.arn);
  if (idArn !== undefined) identity.arn = idArn;
  const accessKeyId = str(ui.accessKeyId);
  if (accessKeyId !== undefined) identity.access_key_id = accessKeyId;
  const invokedBy = str(ui.invokedBy);
  if (invokedBy !== undefined) identity.invoked_by = invokedBy;
  if (hasKeys(sc)) {
    const context: Rec = {};
    const mfa = str(attrs.mfaAuthenticated);
    if (mfa !== undefined) context.mfa_authenticated = mfa;
    const creation = str(attrs.creationDate);
    const created = creation !== undefined ? fromIsoWithZone(creation) : undefined;
    if (created !== undefined) context.creation_date = created;
    if (hasKeys(issuer)) {
      const si: Rec = {};
      const siType = str(issuer.type);
      if (siType !== undefined) si.type = siType;
      const siPrincipal = str(issuer.principalId);
      if (siPrincipal !== undefined) si.principal_id = siPrincipal;
      const siArn = str(issuer.arn);
      if (siArn !== undefined) si.arn = siArn;
      const siAccount = str(issuer.accountId);
      if (siAccount !== undefined) si.account_id = siAccount;
      context.session_issuer = si;
    }
    identity.session_context = context;
  }
  const ct: Rec = {};
  const eventVersion = str(f.eventVersion);
  if (eventVersion !== undefined) ct.event_version = eventVersion;
  const eventType = str(f.eventType);
  if (eventType !== undefined) ct.event_type = eventType;
  const eventCategory = str(f.eventCategory);
  if (eventCategory !== undefined) ct.event_category = eventCategory;
  const requestId = str(f.requestID);
  if (requestId !== undefined) ct.request_id = requestId;
  const recipient = str(f.recipientAccountId);
  if (recipient !== undefined) ct.recipient_account_id = recipient;
  if (typeof f.readOnly === 'boolean') ct.read_only = f.readOnly;
  if (errorCode !== undefined) ct.error_code = errorCode;
  const errorMessage = str(f.errorMessage);
  if (errorMessage !== undefined) ct.error_message = errorMessage;
  ct.user_identity = identity;
  if (Array.isArray(f.resources)) {
    const resources: Rec[] = [];
    for (const r of f.resources) {
      if (!isRecord(r)) continue;
      const res: Rec = {};
      const account = str(r.accountId);
      if (account !== undefined) res.account_id = account;
      const arn = str(r.ARN) ?? str(r.arn);
      if (arn !== undefined) res.arn = arn;
      const type = str(r.type);
      if (type !== undefined) res.type = type;
      resources.push(res);
    }
    if (resources.length > 0) ct.resources = resources;
  }
  ct.flattened = compact({ request_parameters: req, response_elements: resp, additional_eventdata: extra });
  if (eventName === 'ConsoleLogin' && extra !== undefined) {
    ct.console_login = { additional_eventdata: compact({ login_to: str(extra.LoginTo), mfa_used: yesNo(extra.MFAUsed), mobile_version: yesNo(extra.MobileVersion) }) };
  }
  // ct always holds user_identity, so it is never empty.
  root.aws = { cloudtrail: ct };
  const account = str(ui.accountId);
  if (account !== undefined && !DIGITS.test(account)) return fail(SOURCE, 'bad_account_id', `userIdentity.accountId is not an AWS account number: ${JSON.stringify(account.slice(0, 32))}`);
  if (sip !== undefined || relatedUser.length > 0) {
    const related: Rec = {};
    if (sip !== undefined) related.ip = [sip];
    if (relatedUser.length > 0) related.user = relatedUser;
    root.related = related;
  }
  return { ok: true, event: root as EcsFields };
}

export const cloudtrailMapper: Mapper = {
  sourceType: SOURCE,
  description: 'AWS CloudTrail records (one record per event; split file wrappers with cloudtrailRecords)',
  priority: 80,
  detect,
  map,
};
