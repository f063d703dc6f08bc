import type { Decoded } from '../../decode/types.js';
import type { Mapper, MapperContext, MapResult } from '../types.js';
import { EventDoc, fail } from '../common/doc.js';
import { fromIsoWithZone } from '../common/time.js';
import { bool, compact, ip, isRecord, str, type Rec } from '../common/values.js';

/** AWS CloudTrail records (management and data events), mapped as Elastic's aws.cloudtrail data stream does. */

const SOURCE = 'cloudtrail';

interface Kind { category: string[]; type: string[] }
const AUTH: Kind = { category: ['authentication'], type: ['info'] };
const KINDS: Readonly<Record<string, Kind>> = {
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

  const doc = new EventDoc();
  doc.put(['@timestamp'], ts);
  doc.put(['event', 'kind'], 'event');
  doc.put(['event', 'module'], 'aws');
  doc.put(['event', 'dataset'], 'aws.cloudtrail');
  doc.put(['event', 'action'], eventName);
  doc.put(['event', 'provider'], eventSource);
  doc.put(['event', 'id'], str(f.eventID));
  const kind = KINDS[eventName];
  doc.put(['event', 'category'], kind?.category);
  doc.put(['event', 'type'], kind?.type ?? ['info']);

  const req = isRecord(f.requestParameters) ? f.requestParameters : undefined;
  const resp = isRecord(f.responseElements) ? f.responseElements : undefined;
  const extra = isRecord(f.additionalEventData) ? f.additionalEventData : undefined;
  const errorCode = str(f.errorCode);
  const loginFailed = eventName === 'ConsoleLogin' && resp?.ConsoleLogin === 'Failure';
  doc.put(['event', 'outcome'], errorCode !== undefined || loginFailed ? 'failure' : 'success');

  const ui = isRecord(f.userIdentity) ? f.userIdentity : {};
  const sc = isRecord(ui.sessionContext) ? ui.sessionContext : {};
  const issuer = isRecord(sc.sessionIssuer) ? sc.sessionIssuer : {};
  const attrs = isRecord(sc.attributes) ? sc.attributes : {};
  const userName = str(ui.userName);
  const name = userName ?? str(issuer.userName) ?? (str(ui.type) === 'Root' ? 'root' : undefined);
  doc.put(['user', 'id'], str(ui.principalId));
  doc.put(['user', 'name'], name);
  if (userName !== undefined && userName.includes('@')) doc.put(['user', 'email'], userName);
  doc.relate('user', userName);

  const target = eventName === 'CreateUser' || eventName === 'DeleteUser' ? str(req?.userName) : undefined;
  if (target !== undefined) {
    doc.put(['user', 'target', 'name'], target);
    const created = isRecord(resp?.user) ? resp.user : undefined;
    doc.put(['user', 'target', 'id'], str(created?.userId));
    doc.relate('user', target);
  }

  const srcRaw = str(f.sourceIPAddress);
  if (srcRaw !== undefined) {
    doc.put(['source', 'address'], srcRaw);
    const sip = ip(srcRaw);
    doc.put(['source', 'ip'], sip);
    if (sip === undefined) doc.put(['source', 'domain'], srcRaw);
    doc.relate('ip', sip);
  }
  doc.put(['user_agent', 'original'], str(f.userAgent));

  doc.put(['cloud', 'provider'], 'aws');
  doc.put(['cloud', 'region'], str(f.awsRegion));
  doc.put(['cloud', 'account', 'id'], str(f.recipientAccountId) ?? str(ui.accountId));
  if (eventSource.endsWith('.amazonaws.com')) doc.put(['cloud', 'service', 'name'], eventSource.slice(0, -'.amazonaws.com'.length));

  const tls = isRecord(f.tlsDetails) ? f.tlsDetails : undefined;
  if (tls !== undefined) {
    const v = /^TLSv(\d(?:\.\d)?)$/.exec(str(tls.tlsVersion) ?? '');
    if (v !== null) {
      doc.put(['tls', 'version'], v[1]);
      doc.put(['tls', 'version_protocol'], 'tls');
    }
    doc.put(['tls', 'cipher'], str(tls.cipherSuite));
    doc.put(['tls', 'client', 'server_name'], str(tls.clientProvidedHostHeader));
  }

  const creation = str(attrs.creationDate);
  const identity = compact({
    type: str(ui.type),
    arn: str(ui.arn),
    access_key_id: str(ui.accessKeyId),
    invoked_by: str(ui.invokedBy),
    session_context: Object.keys(sc).length === 0 ? undefined : compact({
      mfa_authenticated: str(attrs.mfaAuthenticated),
      creation_date: creation !== undefined ? fromIsoWithZone(creation) : undefined,
      session_issuer: Object.keys(issuer).length === 0 ? undefined : compact({
        type: str(issuer.type), principal_id: str(issuer.principalId), arn: str(issuer.arn), account_id: str(issuer.accountId),
      }),
    }),
  });
  const resources = Array.isArray(f.resources)
    ? f.resources.filter(isRecord).map((r) => compact({ account_id: str(r.accountId), arn: str(r.ARN) ?? str(r.arn), type: str(r.type) }))
    : undefined;
  const ct: Rec = compact({
    event_version: str(f.eventVersion),
    event_type: str(f.eventType),
    event_category: str(f.eventCategory),
    request_id: str(f.requestID),
    recipient_account_id: str(f.recipientAccountId),
    read_only: typeof f.readOnly === 'boolean' ? f.readOnly : undefined,
    error_code: errorCode,
    error_message: str(f.errorMessage),
    user_identity: identity,
    resources: resources !== undefined && resources.length > 0 ? resources : undefined,
    flattened: compact({ request_parameters: req, response_elements: resp, additional_eventdata: extra }),
  }) as Rec;
  if (eventName === 'ConsoleLogin' && extra !== undefined) {
    ct.console_login = { additional_eventdata: compact({ login_to: str(extra.LoginTo), mfa_used: yesNo(extra.MFAUsed), mobile_version: yesNo(extra.MobileVersion) }) };
  }
  doc.merge(['aws', 'cloudtrail'], ct);
  const account = str(ui.accountId);
  if (account !== undefined && !DIGITS.test(account)) return fail(SOURCE, 'bad_account_id', `userIdentity.accountId is not an AWS account number: ${JSON.stringify(account.slice(0, 32))}`);
  return doc.finish();
}

export const cloudtrailMapper: Mapper = {
  sourceType: SOURCE,
  description: 'AWS CloudTrail records (one record per event; split file wrappers with cloudtrailRecords)',
  priority: 80,
  detect,
  map,
};
