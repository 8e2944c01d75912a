/**
 * A camera with a microphone (issue 20, item 4): its SDP offers a G.711 audio track, as real
 * cameras' do. The gateway's ffmpeg sets that track up only for the mse stream (whose relay passes
 * the audio RTP to WebRTC viewers) and still outputs the camera's video alone (`-map 0:v:0`):
 * MSE, recording and WebRTC's first pictures are untouched. Before, ffmpeg's 32-byte probe ended
 * at the first audio packet, before the video's size was known, and ffmpeg exited.
 * Real simulator, real ffmpeg, real gateway; the SDP parsing on its own below.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCameraSimulator, type RunningCamera } from '../../simulators/onvif-camera/index.js';
import { sdpAudioTrack } from '../../src/streaming/camera-clock.js';
import { cameraAudio } from '../../src/streaming/webrtc/webrtc-service.js';
import { streamingFeature } from '../../src/streaming/feature.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';
import { control, gatewayFfmpegs, gatewayFfmpegProcesses, openViewer, simulatorSources } from './helpers.js';

describe('a camera that sends audio', () => {
  let cam: RunningCamera;
  let gw: TestGateway;
  let token: string;

  beforeAll(async () => {
    cam = await startCameraSimulator({ name: 'Gate', audio: 'pcmu', encoderLingerMs: 300, sub: { width: 320, height: 180, fps: 10, bitrateKbps: 200 } });
    // WebRTC on (with its camera RTP and audio, the defaults): the mse stream's relay passes the audio on.
    gw = await startTestGateway({ features: [simulatorSources({ gate: cam }), streamingFeature], config: { streaming: { graceMs: 300, spareProcesses: 0 }, webrtc: { enabled: true } } });
    token = await gw.login('viewer');
  }, 30_000);
  afterAll(async () => {
    await gw?.stop();
    await cam?.stop();
  });

  it('plays over MSE, its ffmpeg setting up the audio for WebRTC but copying the video alone', async () => {
    const v = openViewer(gw, '/api/streams/gate?profile=sub&format=mse', token, ['avc1.42C01F', 'avc1.42E01E', 'avc1.4D401F', 'avc1.640028']);
    await waitFor(() => v.binary.length >= 6, 20_000, 'MSE fragments from a camera with audio');
    expect(control(v)[0]).toMatchObject({ type: 'mse' });
    expect(String(control(v)[0]!.codecs)).toMatch(/^avc1\./);
    // The camera's RTSP session carries video and audio (the relay reads the audio for WebRTC).
    await waitFor(() => cam.state.audio.sessionTracks.some((t) => t.includes('audio')), 5000, 'the audio track set up');
    const packets = cam.state.audio.packets;
    await waitFor(() => cam.state.audio.packets > packets + 10, 5000, 'the camera sending audio');
    const [pid] = gatewayFfmpegs(cam);
    const argv = gatewayFfmpegProcesses().find((p) => p.pid === pid)!.argv.join(' ');
    expect(argv).toContain('-map 0:v:0 -c:v copy');
    expect(argv).toContain('-an');
    expect(argv).not.toMatch(/-c:a|-map 0:a/);
    await v.close();
  }, 40_000);

  it('plays over JSMpeg, whose ffmpeg does not set the audio up', async () => {
    await waitFor(() => cam.state.rtspSessions === 0, 10_000, 'the mse stream gone');
    const v = openViewer(gw, '/api/streams/gate?profile=sub&format=jsmpeg', token);
    await waitFor(() => v.binary.length >= 6, 20_000, 'JSMpeg data from a camera with audio');
    expect(cam.state.audio.sessionTracks).toEqual([['video']]);
    await v.close();
  }, 40_000);
});

describe('the camera audio track in an SDP', () => {
  const head = 'v=0\r\no=- 1 1 IN IP4 10.0.0.9\r\ns=cam\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=control:trackID=0\r\n';

  it('reads G.711 (static payload types, with or without rtpmap), AAC, and skips the ONVIF backchannel', () => {
    expect(sdpAudioTrack(head)).toBeNull();
    expect(sdpAudioTrack(`${head}m=audio 0 RTP/AVP 0\r\na=control:trackID=1\r\n`)).toEqual({ encoding: 'PCMU', clockRate: 8000, channels: 1, payloadType: 0 });
    expect(sdpAudioTrack(`${head}m=audio 0 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\na=recvonly\r\n`)).toMatchObject({ encoding: 'PCMA', payloadType: 8 });
    expect(sdpAudioTrack(`${head}m=audio 0 RTP/AVP 97\r\na=rtpmap:97 MPEG4-GENERIC/16000/1\r\na=fmtp:97 streamtype=5;mode=AAC-hbr\r\n`)).toEqual({ encoding: 'MPEG4-GENERIC', clockRate: 16000, channels: 1, payloadType: 97 });
    // The backchannel (the client sends on it) is not the camera's microphone.
    expect(sdpAudioTrack(`${head}m=audio 0 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendonly\r\n`)).toBeNull();
    expect(sdpAudioTrack(`${head}m=audio 0 RTP/AVP 0\r\na=sendonly\r\nm=audio 0 RTP/AVP 8\r\na=recvonly\r\n`)).toMatchObject({ encoding: 'PCMA' });
    // A dynamic payload type with no rtpmap says nothing: no track.
    expect(sdpAudioTrack(`${head}m=audio 0 RTP/AVP 100\r\n`)).toBeNull();
  });

  it('carries G.711 untouched and says why AAC is not carried', () => {
    expect(cameraAudio({ encoding: 'PCMU', clockRate: 8000, channels: 1, payloadType: 0 }, true)).toEqual({ codec: 'PCMU', carried: true });
    const aac = cameraAudio({ encoding: 'MPEG4-GENERIC', clockRate: 16000, channels: 1, payloadType: 97 }, true);
    expect(aac).toMatchObject({ codec: 'AAC', carried: false });
    expect(aac!.note).toMatch(/G\.711/);
    expect(cameraAudio({ encoding: 'PCMA', clockRate: 8000, channels: 1, payloadType: 8 }, false)).toMatchObject({ codec: 'PCMA', carried: false });
    expect(cameraAudio(null, true)).toBeNull();
  });
});
