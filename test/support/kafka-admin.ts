import kafkajs from 'kafkajs';

/** A connected kafkajs admin that logs nothing: tests read and shape the broker's state with it. */
export async function connectedAdmin(brokers: string[], clientId: string): Promise<kafkajs.Admin> {
  const admin = new kafkajs.Kafka({
    clientId,
    brokers,
    logLevel: kafkajs.logLevel.NOTHING,
  }).admin();
  await admin.connect();
  return admin;
}
