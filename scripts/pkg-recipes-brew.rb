# Offline check of the Homebrew formula scripts/pkg-recipes writes, run by
# scripts/pkg-recipes-check with Debian's ruby:
#     ruby pkg-recipes-brew.rb FORMULA DIST
#
# Homebrew is not here (nor the network), so `brew audit` and `brew install`
# are not run: this file stands in just enough of Homebrew's Formula DSL
# (desc, homepage, version, license, url, sha256, livecheck, on_macos,
# on_linux, on_arm, on_intel, install's bin.install, test do, and the OS /
# Hardware::CPU queries) to load the formula once per platform, as Homebrew
# would on that platform, and checks what it gets:
#   - every macOS and Linux connectorctl archive of SHA256SUMS has its
#     platform in the formula, with this release's URL and SHA256SUMS' hash
#     (which is also the file's real hash), and no other platform has a url;
#   - each archive holds connectorctl at its root (tar -tzf), which install's
#     bin.install "connectorctl" takes;
#   - the formula's test block, run for real on this machine's platform with
#     the archive unpacked as bin: `connectorctl --version` names the version;
#   - a few of brew audit's rules on desc and homepage.
require "digest"
require "fileutils"
require "open3"
require "tmpdir"

RELEASES = "https://github.com/connectors-app/connectors/releases/download/".freeze
PLATFORMS = [%w[darwin arm64], %w[darwin amd64], %w[linux arm64], %w[linux amd64]].freeze

# The platform Homebrew is simulated on while the formula loads.
module Sim
  class << self
    attr_accessor :os, :arch
  end
end

module OS
  def self.mac? = Sim.os == "darwin"
  def self.linux? = Sim.os == "linux"
end

module Hardware
  module CPU
    def self.arm? = Sim.arch == "arm64"
    def self.intel? = Sim.arch == "amd64"
  end
end

class LivecheckStub
  attr_reader :given

  def initialize = @given = {}
  def url(value) = @given[:url] = value
  def strategy(value, &_block) = @given[:strategy] = value
  def regex(value) = @given[:regex] = value
end

class BinStub
  attr_reader :installed

  def initialize = @installed = []
  def install(*names) = @installed.concat(names.flatten.map(&:to_s))
end

class Formula
  LOADED = [] # the subclasses defined since the last load

  class << self
    attr_reader :fields, :test_block, :livecheck_given

    def inherited(sub)
      super
      LOADED << sub
    end

    def field(name, value)
      (@fields ||= {})[name] = value
    end

    def desc(value) = field(:desc, value)
    def homepage(value) = field(:homepage, value)
    def version(value = nil) = value.nil? ? (@fields || {})[:version] : field(:version, value)
    def license(value) = field(:license, value)
    def url(value, **_opts) = field(:url, value)
    def sha256(value) = field(:sha256, value)
    def on_macos = (yield if OS.mac?)
    def on_linux = (yield if OS.linux?)
    def on_arm = (yield if Hardware::CPU.arm?)
    def on_intel = (yield if Hardware::CPU.intel?)

    def livecheck(&block)
      stub = LivecheckStub.new
      stub.instance_eval(&block)
      @livecheck_given = stub.given
    end

    def test(&block)
      @test_block = block
    end
  end

  attr_accessor :bin

  def version = self.class.fields[:version]

  class TestFailed < StandardError; end

  def shell_output(cmd, result = 0)
    out, status = Open3.capture2e(cmd)
    raise TestFailed, "#{cmd} exited #{status.exitstatus}, not #{result}: #{out}" unless status.exitstatus == result

    out
  end

  def assert_match(expected, actual)
    re = expected.is_a?(Regexp) ? expected : Regexp.new(Regexp.escape(expected.to_s))
    raise TestFailed, "#{re.inspect} does not match #{actual.inspect}" unless re.match?(actual)
  end

  def assert_equal(expected, actual)
    raise TestFailed, "#{expected.inspect} != #{actual.inspect}" unless expected == actual
  end
end

$problems = []

# problem records msg and returns nil (so `return problem(...)` returns nil).
def problem(msg)
  $problems << msg
  nil
end

# load_formula: the Formula subclass the file defines, loaded as on os/arch.
def load_formula(path, os, arch)
  Sim.os = os
  Sim.arch = arch
  Formula::LOADED.clear
  load path, true # wrapped in an anonymous module: a fresh class each time
  classes = Formula::LOADED.dup
  raise "#{path} defines #{classes.size} Formula classes, not one" unless classes.size == 1

  classes.first
end

def read_sums(dist)
  File.readlines(File.join(dist, "SHA256SUMS"), chomp: true).each_with_object({}) do |line, h|
    hash, name = line.split(/\s+/, 2)
    h[name.delete_prefix("*")] = hash.downcase if name && hash =~ /\A\h{64}\z/
  end
end

def archive_listing(path)
  out, status = Open3.capture2e("tar", "-tzf", path)
  return nil unless status.success?

  out.lines.map { |l| l.chomp.delete_prefix("./") }
end

def host_platform
  os = RbConfig::CONFIG["host_os"].include?("darwin") ? "darwin" : "linux"
  arch = { "x86_64" => "amd64", "aarch64" => "arm64", "arm64" => "arm64" }[RbConfig::CONFIG["host_cpu"]]
  [os, arch]
end

def check_platform(klass, os, arch, sums, dist, version)
  where = "#{os}/#{arch}"
  name = "connectorctl-#{version}-#{os}-#{arch}.tar.gz"
  url = klass.fields[:url]
  sha = klass.fields[:sha256]
  unless sums.key?(name)
    problem("#{where}: the formula has a url (#{url}) but SHA256SUMS has no #{name}") if url
    return nil
  end
  return problem("#{where}: no url, but SHA256SUMS lists #{name}") unless url

  problem("#{where}: url #{url} is not #{RELEASES}v#{version}/#{name}") unless url == "#{RELEASES}v#{version}/#{name}"
  problem("#{where}: sha256 #{sha.inspect} is not SHA256SUMS' #{sums[name]} for #{name}") unless sha == sums[name]
  path = File.join(dist, name)
  return problem("#{where}: #{name} is not in #{dist}") unless File.file?(path)

  real = Digest::SHA256.file(path).hexdigest
  problem("#{where}: sha256 #{sha} is not the hash of #{name} (#{real})") unless sha == real
  listing = archive_listing(path)
  return problem("#{where}: #{name} is not a readable .tar.gz") unless listing

  problem("#{where}: #{name} has no connectorctl at its root (#{listing.join(", ")})") unless listing.include?("connectorctl")
  path
end

def check_install(klass, where)
  formula = klass.allocate
  formula.bin = BinStub.new
  formula.install
  problem("#{where}: install does not bin.install \"connectorctl\" (#{formula.bin.installed})") unless formula.bin.installed == ["connectorctl"]
end

def run_test_block(klass, archive, where)
  return problem("the formula has no test do block") unless klass.test_block

  Dir.mktmpdir do |dir|
    bin = File.join(dir, "bin")
    FileUtils.mkdir_p(bin)
    _, status = Open3.capture2e("tar", "-xzf", archive, "-C", bin, "connectorctl")
    return problem("#{where}: cannot unpack connectorctl from #{archive}") unless status.success?

    formula = klass.allocate
    formula.bin = bin
    formula.instance_exec(&klass.test_block)
    out, = Open3.capture2e(File.join(bin, "connectorctl"), "--version")
    puts "homebrew: test do block passed on #{where}, with the real archive (#{out.strip})"
  rescue Formula::TestFailed, SystemCallError => e
    problem("#{where}: test do block failed: #{e.message}")
  end
end

def audit_lite(klass)
  f = klass.fields
  desc = f[:desc].to_s
  problem("desc is missing") if desc.empty?
  problem("desc is longer than 80 characters") if desc.length > 80
  problem("desc should not start with an article") if desc =~ /\A(an?|the)\s/i
  problem("desc should not start with the formula's name") if desc.downcase.start_with?("connectorctl")
  problem("desc should not end with a full stop") if desc.end_with?(".")
  problem("homepage #{f[:homepage].inspect} is not https") unless f[:homepage].to_s.start_with?("https://")
  problem("livecheck is not url :stable") unless klass.livecheck_given&.dig(:url) == :stable
end

def main
  abort "usage: ruby pkg-recipes-brew.rb FORMULA DIST" unless ARGV.size == 2
  formula_path, dist = ARGV
  sums = read_sums(dist)
  versions = sums.keys.filter_map { |n| n[/\Aconnectorctl-(.+)-(?:linux|darwin|windows)-(?:amd64|arm64)\.(?:tar\.gz|zip)\z/, 1] }.uniq
  abort "homebrew: SHA256SUMS lists connectorctl archives of #{versions.size} versions (#{versions.join(", ")}), not one" unless versions.size == 1
  version = versions.first
  host = host_platform
  checked = []
  host_archive = nil
  PLATFORMS.each do |os, arch|
    klass = load_formula(formula_path, os, arch)
    problem("#{os}/#{arch}: version #{klass.fields[:version].inspect} is not #{version}") unless klass.fields[:version] == version
    archive = check_platform(klass, os, arch, sums, dist, version)
    next unless archive

    check_install(klass, "#{os}/#{arch}")
    audit_lite(klass) if checked.empty?
    checked << "#{os}/#{arch}"
    host_archive = [klass, archive] if [os, arch] == host
  end
  problem("no platform has a url") if checked.empty?
  if host_archive
    run_test_block(*host_archive, host.join("/"))
  else
    puts "homebrew: no archive for this machine (#{host.join("/")}): test do block not run"
  end
  $problems.each { |p| warn "homebrew: #{p}" }
  exit 1 unless $problems.empty?

  puts "homebrew: #{File.basename(formula_path)} #{version}: #{checked.join(", ")}: url, sha256 and archive checks ok"
rescue ScriptError, StandardError => e
  warn "homebrew: cannot load #{formula_path}: #{e.class}: #{e.message}"
  exit 1
end

main
