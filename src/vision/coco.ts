/** The 80 COCO categories in the order the CenterNet model numbers them (0 = person). */
export const COCO_CLASSES = [
  'person', 'bicycle', 'car', 'motorcycle', 'airplane', 'bus', 'train', 'truck', 'boat', 'traffic light',
  'fire hydrant', 'stop sign', 'parking meter', 'bench', 'bird', 'cat', 'dog', 'horse', 'sheep', 'cow',
  'elephant', 'bear', 'zebra', 'giraffe', 'backpack', 'umbrella', 'handbag', 'tie', 'suitcase', 'frisbee',
  'skis', 'snowboard', 'sports ball', 'kite', 'baseball bat', 'baseball glove', 'skateboard', 'surfboard', 'tennis racket', 'bottle',
  'wine glass', 'cup', 'fork', 'knife', 'spoon', 'bowl', 'banana', 'apple', 'sandwich', 'orange',
  'broccoli', 'carrot', 'hot dog', 'pizza', 'donut', 'cake', 'chair', 'couch', 'potted plant', 'bed',
  'dining table', 'toilet', 'tv', 'laptop', 'mouse', 'remote', 'keyboard', 'cell phone', 'microwave', 'oven',
  'toaster', 'sink', 'refrigerator', 'book', 'clock', 'vase', 'scissors', 'teddy bear', 'hair drier', 'toothbrush',
] as const;

/** The classes the gateway reports; everything else the model finds is dropped. */
export const WATCHED_CLASSES = ['person', 'bicycle', 'car', 'motorcycle', 'bus', 'truck'] as const;
export type WatchedClass = (typeof WATCHED_CLASSES)[number];
export const VEHICLE_CLASSES: readonly WatchedClass[] = ['car', 'motorcycle', 'bus', 'truck'];

export function isWatchedClass(name: string): name is WatchedClass {
  return (WATCHED_CLASSES as readonly string[]).includes(name);
}
