/**
 * What a run trains ({@link dev.infersweep.net.ModelSpec}): a network declared as data, or a
 * TorchScript file the user brings ({@link dev.infersweep.net.ScriptedModel}, its bytes read once by
 * the driver). The network as data: {@link dev.infersweep.net.Network} (input width, a list of
 * {@link dev.infersweep.net.Layer}s, a {@link dev.infersweep.net.LossFunction}) and each layer's
 * {@link dev.infersweep.net.Activation}. Declared once, read by every stage: adding a layer kind or
 * an activation starts here. A leaf: it depends on DJL's array API only.
 */
package dev.infersweep.net;
