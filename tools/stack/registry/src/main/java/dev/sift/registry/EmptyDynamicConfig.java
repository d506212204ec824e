package dev.sift.registry;

import io.apicurio.common.apps.config.DynamicConfigPropertyList;
import java.util.List;
import javax.enterprise.context.ApplicationScoped;
import javax.enterprise.inject.Produces;
import javax.inject.Singleton;

/**
 * The list of runtime-editable settings that Apicurio's config-index build
 * extension would generate; that extension's deployment half is not on Maven
 * Central, so this registry has none (nothing Sift uses needs them).
 */
@ApplicationScoped
public class EmptyDynamicConfig {
  @Produces
  @Singleton
  DynamicConfigPropertyList properties() {
    return new DynamicConfigPropertyList(List.of());
  }
}
