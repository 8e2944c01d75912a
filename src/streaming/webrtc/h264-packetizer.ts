/**
 * H.264 over RTP (RFC 6184, packetization-mode 1): a NAL unit that fits goes alone in a packet,
 * a larger one is cut into FU-A fragments. The marker bit ends the last packet of a picture.
 */
export interface RtpPayload {
  payload: Buffer;
  marker: boolean;
}

export function packetizeH264(nals: readonly Buffer[], maxPayload: number): RtpPayload[] {
  const out: RtpPayload[] = [];
  const nonEmpty = nals.filter((n) => n.length > 0);
  nonEmpty.forEach((nal, index) => {
    const last = index === nonEmpty.length - 1;
    if (nal.length <= maxPayload) {
      out.push({ payload: nal, marker: last });
      return;
    }
    const header = nal[0]!;
    const indicator = (header & 0xe0) | 28; // F + NRI of the NAL, type FU-A
    const type = header & 0x1f;
    const body = nal.subarray(1);
    const chunk = maxPayload - 2;
    for (let at = 0; at < body.length; at += chunk) {
      const start = at === 0;
      const end = at + chunk >= body.length;
      const fuHeader = (start ? 0x80 : 0) | (end ? 0x40 : 0) | type;
      out.push({ payload: Buffer.concat([Buffer.from([indicator, fuHeader]), body.subarray(at, at + chunk)]), marker: last && end });
    }
  });
  return out;
}
