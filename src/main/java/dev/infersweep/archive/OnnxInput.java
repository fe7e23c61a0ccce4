package dev.infersweep.archive;

import java.util.ArrayList;
import java.util.List;

/** A graph input's {@code ValueInfoProto}: name, and its tensor type's element type and shape. */
final class OnnxInput {
  private OnnxInput() {}

  static OnnxModel.Input parse(byte[] b, Protobuf.Field valueInfo) throws ArchiveException {
    String name = "";
    Protobuf.Field type = null;
    Protobuf p = new Protobuf(b, valueInfo.offset(), valueInfo.length());
    while (p.hasNext()) {
      Protobuf.Field f = p.next();
      if (f.number() == 1 && f.wireType() == Protobuf.BYTES) {
        name = Protobuf.text(b, f);
      } else if (f.number() == 2 && f.wireType() == Protobuf.BYTES) {
        type = f;
      }
    }
    Protobuf.Field tensor = type == null ? null : child(b, type, 1);
    if (tensor == null) {
      throw new ArchiveException("the graph input " + name + " is not a tensor");
    }
    int elemType = 0;
    List<OnnxModel.Dimension> dims = new ArrayList<>();
    Protobuf t = new Protobuf(b, tensor.offset(), tensor.length());
    while (t.hasNext()) {
      Protobuf.Field f = t.next();
      if (f.number() == 1 && f.wireType() == Protobuf.VARINT) {
        elemType = (int) f.varint();
      } else if (f.number() == 2 && f.wireType() == Protobuf.BYTES) {
        Protobuf shape = new Protobuf(b, f.offset(), f.length());
        while (shape.hasNext()) {
          Protobuf.Field dim = shape.next();
          if (dim.number() == 1 && dim.wireType() == Protobuf.BYTES) {
            dims.add(dimension(b, dim));
          }
        }
      }
    }
    return new OnnxModel.Input(name, OnnxTensor.type("the graph input " + name, elemType), dims);
  }

  private static OnnxModel.Dimension dimension(byte[] b, Protobuf.Field dim) throws ArchiveException {
    Protobuf d = new Protobuf(b, dim.offset(), dim.length());
    Long size = null;
    String param = null;
    while (d.hasNext()) {
      Protobuf.Field f = d.next();
      if (f.number() == 1 && f.wireType() == Protobuf.VARINT) {
        size = f.varint();
      } else if (f.number() == 2 && f.wireType() == Protobuf.BYTES) {
        param = Protobuf.text(b, f);
      }
    }
    return new OnnxModel.Dimension(size, param);
  }

  /** The first field {@code number} of a message that is itself a message. */
  private static Protobuf.Field child(byte[] b, Protobuf.Field message, int number) throws ArchiveException {
    Protobuf p = new Protobuf(b, message.offset(), message.length());
    while (p.hasNext()) {
      Protobuf.Field f = p.next();
      if (f.number() == number && f.wireType() == Protobuf.BYTES) {
        return f;
      }
    }
    return null;
  }
}
