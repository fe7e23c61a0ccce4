package dev.infersweep.engine;

import ai.djl.pytorch.jni.JniUtils;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Puts libtorch's intra-op thread count back to what the test class found. The count is
 * process-wide and decides how libtorch splits its sums, so a class that changes it and leaves it
 * would change the float32 results of every class run after it in the same JVM.
 */
public final class RestoresIntraOpThreads implements BeforeAllCallback, AfterAllCallback {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RestoresIntraOpThreads.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    DjlRuntime.engine();
    context.getStore(NAMESPACE).put("threads", JniUtils.getNumThreads());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    DjlRuntime.useThreads(context.getStore(NAMESPACE).get("threads", Integer.class));
  }
}
