/** Routing of a parsed SOAP request to the operation that answers it. */
import { NS } from '../../../devices/onvif-camera/protocol.js';
import type { CameraContext } from '../context.js';
import { SoapFault, type SoapRequest } from './envelope.js';

export interface CallInfo {
  /** URL path the request was posted to. */
  path: string;
  /** Aborted when the client goes away (long polls stop waiting). */
  signal: AbortSignal;
}

export type OperationResult = string | { body: string; header?: string };

export interface Operation {
  /** Answered without credentials (ONVIF access class PRE_AUTH). */
  preAuth?: boolean;
  handle(req: SoapRequest, ctx: CameraContext, call: CallInfo): OperationResult | Promise<OperationResult>;
}

export type OperationTable = Record<string, Operation>;

export type ServiceName = 'device' | 'media' | 'ptz' | 'events';

const SERVICE_BY_NAMESPACE: Record<string, ServiceName> = {
  [NS.tds]: 'device',
  [NS.trt]: 'media',
  [NS.tptz]: 'ptz',
  [NS.tev]: 'events',
  [NS.wsnt]: 'events',
};

/** The operation for a request: by the body element's namespace, else by the endpoint it was posted to. */
export function findOperation(
  req: SoapRequest,
  endpointService: ServiceName,
  tables: Record<ServiceName, OperationTable>,
  options: { noPtz?: boolean } = {},
): Operation {
  const byNs = req.namespace ? SERVICE_BY_NAMESPACE[req.namespace] : undefined;
  if (req.namespace && !byNs) {
    throw new SoapFault('env:Receiver', ['ter:ActionNotSupported'], `no service for namespace ${req.namespace} (operation ${req.operation})`);
  }
  if ((byNs ?? endpointService) === 'ptz' && options.noPtz) {
    throw new SoapFault('env:Receiver', ['ter:ActionNotSupported'], `${req.operation}: this camera has no PTZ service`);
  }
  const op = tables[byNs ?? endpointService][req.operation];
  if (!op) {
    throw new SoapFault('env:Receiver', ['ter:ActionNotSupported'], `${req.operation} is not supported by the ${byNs ?? endpointService} service`);
  }
  return op;
}
