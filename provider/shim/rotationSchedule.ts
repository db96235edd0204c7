/**
 * The rotation schedule's dynamic provider as Pulumi serializes it: a shim, like the PodApiKey one (see
 * shim/podApiKey.ts). Its check lists the pod's keys, with the stack's settings (`configure`).
 */
import type * as pulumi from "@pulumi/pulumi";
import { loadRuntime } from "./load";

const provider: pulumi.dynamic.ResourceProvider = {
  configure: function (req) {
    return loadRuntime().configure(req.config);
  },
  check: function (olds, news) {
    return loadRuntime().rotationSchedule.check(olds, news);
  },
  diff: function (id, olds, news) {
    return loadRuntime().rotationSchedule.diff(id, olds, news);
  },
  create: function (inputs) {
    return loadRuntime().rotationSchedule.create(inputs);
  },
  read: function (id, props) {
    return loadRuntime().rotationSchedule.read(id, props);
  },
  update: function (id, olds, news) {
    return loadRuntime().rotationSchedule.update(id, olds, news);
  },
  delete: function () {
    return loadRuntime().rotationSchedule.delete();
  },
};

export = provider;
