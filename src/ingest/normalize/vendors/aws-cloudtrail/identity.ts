/**
 * The caller of a CloudTrail event (`userIdentity`) → ECS user.* and
 * aws.cloudtrail.user_identity.*, as Elastic's AWS integration maps it:
 * user.id is the principalId, user.name the IAM user name or, for assumed
 * roles and federated users, the name of the role/user that issued the
 * session; user.email when the name (or the role session name) is an email.
 *
 * userIdentity element: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html
 */
import type { JsonObject } from '../../../../ecs/index.js';
import { obj, str, type Obj } from '../../accessors.js';
import { isoTimestamp } from '../../timestamp.js';
import { compact, keywordOf } from './util.js';

export interface Identity {
  readonly type: string | undefined;
  readonly userId: string | undefined;
  readonly userName: string | undefined;
  readonly email: string | undefined;
  readonly accountId: string | undefined;
  readonly fields: JsonObject | undefined;
}

/** The role session name of an assumed-role or federated-user ARN (after the last "/"). */
const SESSION_ARN = /arn:(?:aws|aws-us-gov):sts:.*\/(.*)$/;

const sessionTypes = new Set(['AssumedRole', 'FederatedUser']);

export function identityOf(rec: Obj): Identity {
  const ui = obj(rec, 'userIdentity');
  const sc = obj(ui, 'sessionContext');
  const attrs = obj(sc, 'attributes');
  const issuer = obj(sc, 'sessionIssuer');
  const type = str(ui, 'type');
  const arn = str(ui, 'arn');
  const isSession = type !== undefined && sessionTypes.has(type);

  let userName = (isSession ? str(issuer, 'userName') : undefined) ?? str(ui, 'userName');
  // IAM Identity Center sign-ins carry the user name in additionalEventData.
  if (userName === undefined && str(rec, 'eventName') === 'UserAuthentication') userName = str(obj(rec, 'additionalEventData'), 'UserName');
  let userId = str(ui, 'principalId');
  if (userId === undefined && type === 'IdentityCenterUser') userId = str(obj(ui, 'onBehalfOf'), 'userId');

  // A role session named after an email ("jane@example.com") is a person
  // signing in through SSO. (Elastic's newest pipeline also lists session
  // names in related.user; the 2024 versions, which the reference documents
  // come from, do not, and neither does Sift.)
  const sessionName = isSession && arn !== undefined ? SESSION_ARN.exec(arn)?.[1] || undefined : undefined;
  let email = sessionName !== undefined && sessionName.indexOf('@') > 0 ? sessionName : undefined;
  if (email === undefined && userName !== undefined && userName.indexOf('@') > 0) email = userName;

  const creation = str(attrs, 'creationDate');
  const fields = compact({
    type,
    arn,
    access_key_id: str(ui, 'accessKeyId'),
    invoked_by: str(ui, 'invokedBy'),
    session_context: compact({
      mfa_authenticated: keywordOf(attrs?.['mfaAuthenticated']),
      creation_date: creation === undefined ? undefined : isoTimestamp(creation),
      session_issuer: compact({
        type: str(issuer, 'type'),
        principal_id: str(issuer, 'principalId'),
        arn: str(issuer, 'arn'),
        account_id: str(issuer, 'accountId'),
      }),
    }),
  });
  return { type, userId, userName, email, accountId: str(ui, 'accountId'), fields };
}
