import { WireError, WireSegment, ongageEnvelope } from "../ongage/index";
import { PLEASE_REPORT, fine, guarded, ongageRow, refuses, report, unknown, type Finding } from "./ongage-rows";
import type { Observation } from "./observation";
import { describeAnswer, describeBody, isRecord, type Answer, type OngageProbe } from "./ongage-probe";

/** A segment id that cannot exist: the largest 32-bit id (a list would need two billion segments). */
export const MISSING_SEGMENT_ID = 2147483647;
/** A route the API does not have. */
export const UNKNOWN_ROUTE = "/api/pulumi-segments-doctor-no-such-route";

const SegmentEnvelope = ongageEnvelope(WireSegment);

/** The 404 of a missing segment, the error envelope and status it shows, and the answer to an unknown route. */
export async function observeErrors(probe: OngageProbe): Promise<Observation[]> {
  let missing: Answer | undefined;
  const missingRow = await guarded("missingSegment", async () => {
    missing = await probe.get(`/api/segments/${MISSING_SEGMENT_ID}`);
    return missingFinding(missing);
  });
  const fromMissing = (judge: (a: Answer) => Finding) => (missing === undefined ? unknown("the GET of a missing segment failed (see ongage.missing-segment)", "nothing can be concluded about this assumption; run doctor again") : judge(missing));
  return [
    missingRow,
    ongageRow("errorEnvelope", fromMissing(envelopeFinding)),
    ongageRow("errorStatus", fromMissing(statusFinding)),
    await guarded("unknownRoute", async () => unknownRouteFinding(await probe.get(UNKNOWN_ROUTE))),
  ];
}

const which = `segment id ${MISSING_SEGMENT_ID}, the largest 32-bit id: a list would need two billion segments to reach it`;

function missingFinding(a: Answer): Finding {
  const seen = `${describeAnswer(a)} (${which})`;
  if (a.kind === "not-found") return fine(`${seen}: the error envelope with code 404`, "the provider reads such an answer as \"gone\" (after its root check), so refresh drops segments deleted outside Pulumi");
  const stuck = "the provider never takes it for \"gone\": refresh and delete of a segment deleted outside Pulumi stop with an error (remove it from the state with `pulumi state delete`)";
  if (a.kind === "route-not-found") return refuses(`${seen}: a 404 without the error envelope`, stuck);
  if (a.kind === undefined) {
    return SegmentEnvelope.safeParse(a.body).success
      ? report(`${seen}: a segment`, `a segment id that cannot exist was answered as a segment; ${PLEASE_REPORT}`)
      : refuses(`${seen}: a success that is not a segment`, `${stuck}; its reads fail with "does not match the documented shape"`);
  }
  return report(`${seen}: classified as ${a.kind}`, `the provider does not read this as "gone"; ${PLEASE_REPORT}`);
}

function envelopeFinding(a: Answer): Finding {
  const parsed = WireError.safeParse(a.body);
  if (!parsed.success) {
    if (a.kind === undefined) return unknown(`${a.asked} answered no error, so no error body was seen`, "the error shape could not be observed");
    return report(
      `${a.asked} answered an error as ${describeBody(a.body)}, not the error envelope`,
      `the provider then tells errors apart by HTTP status alone, without the server's message, and never reads a 404 in this form as "gone"; ${PLEASE_REPORT}`,
    );
  }
  const payload = isRecord(a.body) && isRecord(a.body.payload) ? a.body.payload : {};
  const missingKeys = ["code", "errors", "message"].filter((k) => !(k in payload));
  if (missingKeys.length === 0) return fine(`${a.asked} answered the error envelope with code, errors and message`, "the provider reads the error's code and message");
  return report(`${a.asked} answered the error envelope without ${missingKeys.join(", ")}`, `the provider falls back to the HTTP status; ${PLEASE_REPORT}`);
}

function statusFinding(a: Answer): Finding {
  const parsed = WireError.safeParse(a.body);
  const code = parsed.success ? parsed.data.payload?.code : undefined;
  if (code === undefined) {
    if (a.status >= 400) return fine(`${a.asked} answered HTTP ${a.status} (the body has no code to compare)`, "the provider classifies the error by its HTTP status");
    return unknown(`${a.asked} answered HTTP ${a.status} without an error`, "no error was seen, so its status could not be compared");
  }
  if (Number(code) === a.status) return fine(`${a.asked} answered HTTP ${a.status} with code ${code} in the body`, "the provider's reading of the status and of the body agree");
  return report(
    `${a.asked} answered HTTP ${a.status} with code ${code} in the body`,
    `the provider reads the body's error flag and code whatever the HTTP status, so this works; ${PLEASE_REPORT}`,
  );
}

function unknownRouteFinding(a: Answer): Finding {
  const seen = describeAnswer(a);
  if (a.kind === "route-not-found") return fine(`${seen}: a 404 without the API's envelope`, "the provider tells a wrong base URL or route from a missing segment");
  if (a.kind === "not-found") {
    return report(
      `${seen}: the API's 404 envelope, like a missing segment`,
      `the provider tells a wrong base URL from a missing segment only by its root check (the list's listing must succeed before anything counts as "gone"), so this works; ${PLEASE_REPORT}`,
    );
  }
  return report(`${seen}${a.kind === undefined ? ": a success" : `: classified as ${a.kind}`}`, `a route that does not exist was not answered with a 404; ${PLEASE_REPORT}`);
}
