import type { SiftConfig } from '../../config/index.js';
import { ErrorCode, describeError, diagnoseTls, hostPort, isHandshakeHangUp, isSaslFailure, speaksTls, type TransportProblem } from '../../shared/index.js';

/** Codes of a failure where nothing (or nothing that speaks) answers: a reason to wait, not to probe. */
const NOBODY = /ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN/;

/**
 * Why a connection to the brokers failed, when waiting cannot fix it: a
 * refused SASL login, a TLS failure, or a plaintext client (kafka.ssl false)
 * at a port that speaks TLS, which the broker answers only by closing.
 */
export async function kafkaProblem(cfg: SiftConfig['kafka'], err: unknown): Promise<TransportProblem | undefined> {
  if (isSaslFailure(err)) {
    return {
      code: ErrorCode.KafkaAuthFailed,
      message: `Kafka refused the SASL ${cfg.sasl.mechanism} login of user "${cfg.sasl.username}" (${describeError(err)}): check kafka.sasl.username and kafka.sasl.password`,
    };
  }
  const first = cfg.brokers[0];
  const at = first === undefined ? undefined : hostPort(first);
  if (cfg.ssl) {
    const tls = diagnoseTls(err, `Kafka (${cfg.brokers.join(', ')})`, 'kafka.tls.ca_file', 'kafka.ssl is true');
    if (tls) return tls;
    // A plaintext broker closes on a ClientHello; kafkajs sees a hang-up, which a restarting broker causes too.
    if (at && isHandshakeHangUp(err) && !(await speaksTls(at.host, at.port))) {
      return { code: ErrorCode.TlsFailed, message: `Kafka at ${first} does not speak TLS on that port, but kafka.ssl is true: use the brokers' TLS listener, or set kafka.ssl: false` };
    }
    return undefined;
  }
  if (NOBODY.test(describeError(err)) || NOBODY.test(String((err as { code?: unknown }).code ?? ''))) return undefined;
  if (at && (await speaksTls(at.host, at.port))) {
    return {
      code: ErrorCode.TlsFailed,
      message: `Kafka at ${first} speaks TLS, but kafka.ssl is false: set kafka.ssl: true (and kafka.tls.ca_file for a private CA)`,
    };
  }
  return undefined;
}
