/** AWS CloudTrail records, as CloudTrail delivers them inside `{"Records": [...]}` files. */
import type { Rng } from './rng.js';
import { isoSeconds } from './time.js';
import { AWS_ACCOUNT, AWS_REGION } from './world.js';

export type UserIdentity = Record<string, unknown>;

export interface CloudTrailSpec {
  at: number;
  eventSource: string;
  eventName: string;
  identity: UserIdentity;
  sourceIp: string;
  userAgent: string;
  requestParameters?: Record<string, unknown> | null;
  responseElements?: Record<string, unknown> | null;
  readOnly: boolean;
  resources?: Record<string, unknown>[];
  errorCode?: string;
  errorMessage?: string;
  eventType?: 'AwsApiCall' | 'AwsConsoleSignIn';
  additionalEventData?: Record<string, unknown>;
  sharedEventID?: string;
  managementEvent?: boolean;
}

export function cloudTrailRecord(rng: Rng, s: CloudTrailSpec): Record<string, unknown> {
  const r: Record<string, unknown> = {
    eventVersion: '1.09',
    userIdentity: s.identity,
    eventTime: isoSeconds(s.at),
    eventSource: s.eventSource,
    eventName: s.eventName,
    awsRegion: s.eventSource === 'iam.amazonaws.com' || s.eventSource === 'signin.amazonaws.com' ? 'us-east-1' : AWS_REGION,
    sourceIPAddress: s.sourceIp,
    userAgent: s.userAgent,
  };
  if (s.errorCode !== undefined) r.errorCode = s.errorCode;
  if (s.errorMessage !== undefined) r.errorMessage = s.errorMessage;
  r.requestParameters = s.requestParameters ?? null;
  r.responseElements = s.responseElements ?? null;
  if (s.additionalEventData !== undefined) r.additionalEventData = s.additionalEventData;
  r.requestID = rng.uuid();
  r.eventID = rng.uuid();
  r.readOnly = s.readOnly;
  if (s.resources !== undefined) r.resources = s.resources;
  r.eventType = s.eventType ?? 'AwsApiCall';
  r.managementEvent = s.managementEvent ?? true;
  r.recipientAccountId = AWS_ACCOUNT;
  if (s.sharedEventID !== undefined) r.sharedEventID = s.sharedEventID;
  r.eventCategory = 'Management';
  if (s.eventType !== 'AwsConsoleSignIn') {
    r.tlsDetails = { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: `${s.eventSource.replace('.amazonaws.com', '')}.amazonaws.com` };
  }
  return r;
}

/** A human's Okta-federated SSO session in AWS (IAM Identity Center permission set). */
export function ssoSessionIdentity(rng: Rng, permissionSet: string, email: string, roleSuffix: string): UserIdentity {
  const roleName = `AWSReservedSSO_${permissionSet}_${roleSuffix}`;
  const principal = `AROA${rng.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 17)}`;
  return {
    type: 'AssumedRole',
    principalId: `${principal}:${email}`,
    arn: `arn:aws:sts::${AWS_ACCOUNT}:assumed-role/${roleName}/${email}`,
    accountId: AWS_ACCOUNT,
    accessKeyId: `ASIA${rng.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`,
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: principal,
        arn: `arn:aws:iam::${AWS_ACCOUNT}:role/aws-reserved/sso.amazonaws.com/${AWS_REGION}/${roleName}`,
        accountId: AWS_ACCOUNT,
        userName: roleName,
      },
      attributes: { creationDate: '', mfaAuthenticated: 'false' },
    },
  };
}

/** An assumed-role session of a workload role (CI, Lambda). */
export function roleSessionIdentity(rng: Rng, roleName: string, sessionName: string): UserIdentity {
  const principal = `AROA${rng.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 17)}`;
  return {
    type: 'AssumedRole',
    principalId: `${principal}:${sessionName}`,
    arn: `arn:aws:sts::${AWS_ACCOUNT}:assumed-role/${roleName}/${sessionName}`,
    accountId: AWS_ACCOUNT,
    accessKeyId: `ASIA${rng.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`,
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: principal, arn: `arn:aws:iam::${AWS_ACCOUNT}:role/${roleName}`, accountId: AWS_ACCOUNT, userName: roleName },
      attributes: { creationDate: '', mfaAuthenticated: 'false' },
    },
  };
}

/** Set the session's creation time (CloudTrail writes it on every call of the session). */
export function withSessionStart(identity: UserIdentity, at: number): UserIdentity {
  const ctx = identity.sessionContext as { attributes: { creationDate: string } } | undefined;
  if (ctx === undefined) return identity;
  return { ...identity, sessionContext: { ...ctx, attributes: { ...ctx.attributes, creationDate: isoSeconds(at) } } };
}

export function awsServiceIdentity(service: string): UserIdentity {
  return { type: 'AWSService', invokedBy: service };
}
