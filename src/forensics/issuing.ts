import { matcherPart } from '../filter/recipe.js';
import type { RecordMatcher } from '../records/matcher.js';
import { isIssuingEvent } from './issued-credential.js';

const ISSUING_NEEDLES = ['"AssumeRole', '"GetSessionToken"', '"GetFederationToken"', '"AssumeRoot"'];

/** The credential-issuing calls, for any scan that feeds a CredentialIndex. */
export const issuingMatcher: RecordMatcher = { needles: [ISSUING_NEEDLES], matches: isIssuingEvent };

/** issuingMatcher as a recipe part: the --identity-source scan reads nothing else. */
export const issuingPart = matcherPart<void>(import.meta.url, 'issuingPart', () => issuingMatcher);
