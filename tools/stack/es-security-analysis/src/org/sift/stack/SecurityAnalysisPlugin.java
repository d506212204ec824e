package org.sift.stack;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.email.UAX29URLEmailTokenizer;
import org.apache.lucene.analysis.miscellaneous.RemoveDuplicatesTokenFilter;
import org.apache.lucene.analysis.pattern.PatternCaptureGroupTokenFilter;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.index.IndexSettings;
import org.elasticsearch.index.analysis.AbstractTokenFilterFactory;
import org.elasticsearch.index.analysis.AbstractTokenizerFactory;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.index.analysis.TokenizerFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.Plugin;

/**
 * The three analysis components the security index's "email" analyzer names
 * (pattern_capture, uax_url_email, unique). They live in ES's analysis-common
 * module, which the integ-test zip lacks; without them the security index
 * cannot be created, and with it go native roles and API keys. Built from
 * Lucene's own filters by scripts/stack.sh --secure, for the local secured
 * stack only: a real distribution has the module.
 */
public final class SecurityAnalysisPlugin extends Plugin implements AnalysisPlugin {
    @Override
    public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
        return Map.of("pattern_capture", AnalysisPlugin.requiresAnalysisSettings(PatternCapture::new), "unique", Unique::new);
    }

    @Override
    public Map<String, AnalysisProvider<TokenizerFactory>> getTokenizers() {
        return Map.of("uax_url_email", UrlEmail::new);
    }

    /** Emits each capture group of each pattern as a token (and the original, if asked). */
    static final class PatternCapture extends AbstractTokenFilterFactory {
        private final Pattern[] patterns;
        private final boolean preserveOriginal;

        PatternCapture(IndexSettings index, Environment env, String name, Settings settings) {
            super(name, settings);
            List<String> list = settings.getAsList("patterns");
            if (list.isEmpty()) throw new IllegalArgumentException("pattern_capture [" + name + "] needs patterns");
            patterns = list.stream().map(Pattern::compile).toArray(Pattern[]::new);
            preserveOriginal = settings.getAsBoolean("preserve_original", true);
        }

        @Override
        public TokenStream create(TokenStream in) {
            return new PatternCaptureGroupTokenFilter(in, preserveOriginal, patterns);
        }
    }

    /** Drops repeated tokens at one position (ES's own filter can also drop them across positions). */
    static final class Unique extends AbstractTokenFilterFactory {
        Unique(IndexSettings index, Environment env, String name, Settings settings) {
            super(name, settings);
        }

        @Override
        public TokenStream create(TokenStream in) {
            return new RemoveDuplicatesTokenFilter(in);
        }
    }

    /** Words, with URLs and e-mail addresses kept whole. */
    static final class UrlEmail extends AbstractTokenizerFactory {
        UrlEmail(IndexSettings index, Environment env, String name, Settings settings) {
            super(index, settings, name);
        }

        @Override
        public Tokenizer create() {
            return new UAX29URLEmailTokenizer();
        }
    }
}
