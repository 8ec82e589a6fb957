/** The fields that name one CloudTrail event in every forensic output (`find-deletion`, `activity`). */
export interface EventFields {
  eventID?: string;
  eventTime: string;
  eventName: string;
  eventSource: string;
  awsRegion: string;
  recipientAccountId?: string;
  errorCode: string | null;
}
