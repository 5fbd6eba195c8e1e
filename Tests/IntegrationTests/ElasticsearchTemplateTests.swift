import Foundation
import SouTestSupport
import Testing

/// The Elasticsearch/OpenSearch index templates of docs/elasticsearch (docs/SCALING.md).
/// No cluster runs here: this checks that each file is valid JSON holding the analysis that
/// docs/SCALING.md describes, and that every analyzer names only defined or built-in parts.
@Suite struct ElasticsearchTemplateTests {
    static let files = ["docs/elasticsearch/sou-template.json", "docs/elasticsearch/sou-template-no-plugin.json"]
    /// Built-in (or analysis-icu) parts an analyzer may name without defining them.
    static let builtIn: Set<String> = ["standard", "lowercase", "cjk_width"]

    static func load(_ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: SeedCorpus.repositoryRoot + "/" + path))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(path)")
    }

    @Test(arguments: files) func templateHoldsSousAnalysis(_ path: String) throws {
        let template = try Self.load(path)
        #expect(template["index_patterns"] as? [String] == ["sou-*"])
        let body = try #require(template["template"] as? [String: Any])
        let settings = try #require(body["settings"] as? [String: Any])
        let analysis = try #require(settings["analysis"] as? [String: Any])
        let filters = try #require(analysis["filter"] as? [String: [String: Any]])
        let charFilters = analysis["char_filter"] as? [String: [String: Any]] ?? [:]
        let analyzers = try #require(analysis["analyzer"] as? [String: [String: Any]])

        // Index time: every CJK character a unigram, bigrams stacked on it; search time: bigrams only.
        #expect(filters["sou_cjk_index"]?["type"] as? String == "cjk_bigram")
        #expect(filters["sou_cjk_index"]?["output_unigrams"] as? Bool == true)
        #expect(filters["sou_cjk_search"]?["type"] as? String == "cjk_bigram")
        #expect(filters["sou_cjk_search"]?["output_unigrams"] as? Bool == false)
        for (name, cjk) in [("sou", "sou_cjk_index"), ("sou_search", "sou_cjk_search")] {
            let analyzer = try #require(analyzers[name], "\(path): analyzer \(name)")
            #expect(analyzer["tokenizer"] as? String == "standard")
            let chain = try #require(analyzer["filter"] as? [String])
            #expect(chain.last == cjk, "\(path): \(name) ends with its cjk_bigram")
            for part in chain { #expect(filters[part] != nil || Self.builtIn.contains(part), "\(path): \(part)") }
            let chars = analyzer["char_filter"] as? [String] ?? []
            for part in chars { #expect(charFilters[part] != nil, "\(path): \(part)") }
            // Case folding either way: ICU's NFKC_Casefold, or lowercase without the plugin.
            let folds =
                chars.contains { charFilters[$0]?["name"] as? String == "nfkc_cf" } || chain.contains("lowercase")
            #expect(folds, "\(path): \(name) folds case")
        }
        if path.hasSuffix("sou-template.json") {
            #expect(charFilters["sou_nfkc_cf"]?["type"] as? String == "icu_normalizer")
            #expect(charFilters["sou_nfkc_cf"]?["name"] as? String == "nfkc_cf")
        } else {
            #expect(charFilters.isEmpty)
        }

        let mappings = try #require(body["mappings"] as? [String: Any])
        let properties = try #require(mappings["properties"] as? [String: [String: Any]])
        #expect(properties["id"]?["type"] as? String == "keyword")
        let dynamic = try #require(mappings["dynamic_templates"] as? [[String: [String: Any]]])
        let text = try #require(dynamic.first?["sou_text_fields"])
        #expect(text["match_mapping_type"] as? String == "string")
        let mapping = try #require(text["mapping"] as? [String: String])
        #expect(
            mapping == [
                "type": "text", "analyzer": "sou", "search_analyzer": "sou_search", "index_options": "positions",
            ]
        )
    }

    @Test func scalingDocumentNamesTheTemplatesAndTheExport() throws {
        let text = try String(contentsOfFile: SeedCorpus.repositoryRoot + "/docs/SCALING.md", encoding: .utf8)
        #expect(text.contains("## Beyond one machine"))
        for file in Self.files { #expect(text.contains(file), "\(file)") }
        #expect(text.contains("sou --index news export --format elasticsearch --bulk-index sou-news"))
    }
}
