"""Every problem code the engine reports, with its title, cause and fix (in Chinese).

One registry: `Problem` codes raised anywhere in `engine/` are listed here (a test fails when a
module uses a code that is missing), `jixiao rules explain E-LINT-WEIGHTS` prints an entry, and
`docs/problem-codes.md` is generated from it (`python -m engine.problemcodes > docs/problem-codes.md`;
a test fails when the page is out of date). Codes are stable: messages may change wording or
language (`--lang en`), a code never changes meaning.

`severity`: "error" refuses the input (exit 2; a pack with an error never scores); "warning" is
reported by `jixiao rules lint` only.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProblemCode:
    code: str
    stage: str  # where it is found: 读取 / 结构 / 编译 / 检查 / 计分 / 导入 / 批量 / 输出
    title: str
    cause: str
    fix: str
    severity: str = "error"


def _entries() -> list[ProblemCode]:
    e = ProblemCode
    return [
        # ------------------------------------------------------------------ reading files
        e("E-FILE", "读取", "文件无法读取", "路径不存在、不是普通文件、没有读取权限，或读取时出错。",
          "检查路径和文件权限；案卷和规则包都须是普通文件。"),
        e("E-FILE-SIZE", "读取", "文件过大", "文件超过 1 MiB 的上限（真实案卷约 20 KB）。",
          "确认选对了文件；过大的文件须拆分或删去无关内容。"),
        e("E-ENCODING", "读取", "文件编码无法识别", "文件不是 UTF-8、GB18030/GBK 或带 BOM 的 UTF-16 文本（UTF-32 文本会被点名拒绝），或含 NUL 字节（二进制文件）。",
          "用文本编辑器另存为 UTF-8。"),
        e("E-EMPTY", "读取", "文件是空的", "文件没有任何内容，或只有注释。", "填写内容，或选对文件。"),
        e("E-YAML", "读取", "YAML 无法读取", "文件不是有效的 YAML。", "按提示的行列修改。"),
        e("E-YAML-SYNTAX", "读取", "YAML 语法错误",
          "常见原因：中文输入法打出的全角冒号“：”、全角逗号“，”、全角引号或全角空格，缩进不齐，引号没有成对。",
          "把全角冒号改成半角冒号（: 后面留一个空格）；缩进用空格并与同级对齐；按提示的行修改。"),
        e("E-YAML-TAB", "读取", "缩进里有制表符", "YAML 的缩进只能用空格。", "把该行开头的 Tab 换成空格。"),
        e("E-YAML-DUPKEY", "读取", "重复的键", "同一层里同一个键写了两次，后一个会悄悄覆盖前一个。", "删去或合并重复的键。"),
        e("E-YAML-KEY", "读取", "键不是文本", "映射的键须是文本（如 year、name），不能是列表或映射。", "改写这个键。"),
        e("E-YAML-ALIAS", "读取", "别名用法不允许", "对列表或映射的别名（*name）、合并键（<<）或过多的别名可能造成“十亿笑”炸弹。",
          "把内容直接写出来，不用别名。"),
        e("E-YAML-DEPTH", "读取", "嵌套过深", "嵌套超过 50 层。", "减少嵌套层次。"),
        e("E-YAML-TAG", "读取", "不允许的 YAML 标签", "!!python 等标签可能构造程序对象，出于安全一律拒绝。", "删去标签，写普通的值。"),
        e("E-YAML-CHAR", "读取", "不允许的控制字符", "文件中含有不可见的控制字符。", "删去该字符（常见于从其他软件复制的文本）。"),
        e("E-YAML-NUMBER", "读取", "数字无法使用", "数字超出范围（绝对值大于 1e15）、位数过多、是 NaN/无穷，或是 YAML 1.1 会读成八进制、十六进制或六十进制的写法。",
          "写成普通的十进制数；要当文本用时加引号。"),
        # ------------------------------------------------------------------ structure (schemas)
        e("E-SCHEMA", "结构", "不符合格式（JSON Schema）", "缺少必填字段、字段名拼错、类型不对（文本写成了数字等）或取值不在允许范围内。",
          "按提示改正；在编辑器里用 YAML 语言服务器可以边写边检查（见 README“编辑规则包和案卷”）。"),
        e("E-NOT-CASE", "结构", "不是案卷文件", "文件读得出来，但不是绩效自评案卷（例如是规则包或其他 YAML）。", "选对案卷文件。"),
        e("E-CASE-SECTION", "计分", "一级指标对不上规则包的任何部分", "自评表某行的一级指标名称不在规则包各部分的 level1 名单里。",
          "改正案卷中的一级指标名称，或在规则包相应部分的 level1 中加上这个名称。"),
        # ------------------------------------------------------------------ rule packs: compile
        e("E-PACK", "编译", "规则包无法读取或编译", "没有这个文件夹、没有 pack.yaml，或规则包有其他问题。", "按同时列出的其他问题逐一修改。"),
        e("E-PACK-EXTENDS", "编译", "extends 指向的规则包不存在或形成循环", "extends 写的 id 在本规则包旁边和 rules/ 里都找不到，或几个规则包互相继承成环。",
          "写上级规则包的文件夹名（如 national-2020）。"),
        e("E-PACK-SELECT", "编译", "无法自动选择规则包", "rules/ 中没有适用于案卷年度、表样和地区的规则包，或有两个同样具体的。",
          "用 --rules 指定规则包，或修改各规则包的 applies_to。"),
        e("E-PACK-DUPCODE", "编译", "规则编号重复", "同一个规则包里两条规则用了同一个编号。", "给其中一条换一个从未用过的编号。"),
        e("E-PACK-REMOVE", "编译", "remove_rules 列出的规则不存在", "要删除的规则在上级规则包里没有定义（多半是编号写错）。", "改正编号，或删去这一项。"),
        e("E-PACK-AMEND", "编译", "amend_rules 列出的规则不存在", "要修改的规则在上级规则包里没有定义（多半是编号写错）。", "改正编号。"),
        e("E-PACK-PARAM", "编译", "参数不存在或不是数", "条件、计分方法或扣分引用了规则包 params 中没有的参数，或参数值不是可用的数。",
          "在 pack.yaml 的 params 中定义它，或改正拼写。"),
        e("E-PACK-METHOD", "编译", "计分方法不存在", "规则的 score.method 在 pack.yaml 的 methods 中没有定义。", "改正方法名，或在 methods 中定义它。"),
        e("E-PACK-KIND", "编译", "事实类别不存在", "规则的 applies_to 不是已知的事实类别（indicator、budget、sum ……）。", "改成已知的类别。"),
        e("E-PACK-SECTION", "编译", "部分（sections）有误", "deduct.from 不是规则包中某一部分的 key；或两个部分用了同一个 key；或同一个一级指标名称写在两个部分的 level1 中（表上的行不知该归哪一部分）。",
          "改成 sections 中的某个 key；给部分不同的 key；一个一级指标名称只写在一个部分里。"),
        e("E-PACK-INCOMPLETE", "编译", "规则包没有分部分或等级", "不继承其他规则包的根规则包没有 sections 或 grades，无法计分。",
          "写上 sections 和 grades，或用 extends 继承一个有它们的规则包。"),
        e("E-PACK-WEIGHT", "编译", "部分的分值为负数", "sections 中某一部分的 weight 小于 0。", "改成不小于 0 的分值。"),
        e("E-PACK-LINK", "读取", "规则包文件是指向包外的符号链接", "规则包文件夹中的文件是指向文件夹之外的符号链接；为安全起见不读取，也不显示其内容。",
          "把文件本身复制到规则包文件夹中。"),
        e("E-PACK-CHAR", "读取", "规则包文字中有控制字符", "规则包的文字（标题、消息等）里有控制字符或双向覆盖字符（多来自 \\e、\\u202e 之类的转义写法），会混进报告。",
          "删去这个转义。"),
        e("E-PACK-LETTER", "编译", "letter 列出的规则不存在", "pack.yaml 的 letter:（致单位函件中问题的分组）列出的规则编号在规则包中没有定义。",
          "改正编号，或删去这一项。"),
        e("E-RULE", "编译", "规则有误", "规则的写法无法使用。", "按提示修改。"),
        e("E-RULE-CODE", "编译", "没有这条规则", "给出的规则编号在规则包中不存在。", "改正编号（提示中列出相近的编号）。"),
        e("E-COND-NODE", "编译", "条件的写法不对", "条件节点须是 all、any、not 之一，或 {field, op, value/other} 形式的一项比较。",
          "按模板（rules/_TEMPLATE.yaml）改写条件。"),
        e("E-COND-FIELD", "编译", "条件里的字段名不是文本", "field 或 other 须写字段名。", "写上事实的字段名（见 fields.md）。"),
        e("E-COND-OP", "编译", "比较符不认识", "op 只能是 ==、!=、<、<=、>、>=（也接受 ≥、≤、≠）、in、exists、missing。", "改成上面的比较符之一。"),
        e("E-COND-OPERAND", "编译", "比较的对象缺少或多余", "一项比较须有 value 或 other 之一（exists/missing 两者都不要）。", "补上或删去 value/other。"),
        e("E-COND-TYPE", "编译", "比较的值类型不对", "例如 in 后面不是列表，或用 < 比较文本。", "按提示改正值的类型。"),
        e("E-COND-SIZE", "编译", "条件过大", "条件的展开形式超过上限（每条规则最多 60 个并列分支）。", "把规则拆成几条，或化简条件。"),
        e("E-EXPR-SYNTAX", "编译", "计分公式写法不对", "公式无法解析：括号不成对、用了全角符号或不允许的写法。", "按提示改正公式。"),
        e("E-EXPR-SIZE", "编译", "计分公式过长", "公式超过长度上限。", "化简公式。"),
        e("E-EXPR-DEPTH", "编译", "计分公式嵌套过深", "括号或函数嵌套超过上限。", "化简公式。"),
        e("E-EXPR-NAME", "编译", "计分公式用了未知的名称", "公式中的名称既不是事实的数，也不是方法的参数。", "改正拼写，或在方法的 params 中定义它。"),
        e("E-EXPR-FORBIDDEN", "编译", "计分公式用了不允许的写法", "只允许四则运算、比较和 min/max/ceil/floor 等白名单函数。", "改用白名单中的运算。"),
        e("E-EXPR-LITERAL", "编译", "计分公式中的数不可用", "数字过大或不是有限数。", "改用合理范围内的数。"),
        e("E-EXPR-EVAL", "计分", "计分公式无法计算", "计算时出错，如除以 0。", "检查公式与数据；必要时在条件中排除这种情况。"),
        # ------------------------------------------------------------------ rule packs: checks (lint)
        e("E-LINT-FIELD", "检查", "条件用了事实没有的字段", "字段名拼错，或这类事实（applies_to）没有这个字段：条件永远不成立，规则会被悄悄跳过。",
          "改正字段名（提示中给出最接近的名字）；各类事实的字段见 `jixiao rules doc` 生成的 fields.md。"),
        e("E-LINT-TYPE", "检查", "比较的类型不对", "例如用 < 比较文本字段，或把数字字段与文本比较：永远不成立。", "改用与字段类型相符的比较与取值。"),
        e("E-LINT-VALUE", "检查", "字段永远不会取这个值", "例如 direction: positve（拼错），或 section 写了规则包里没有的部分。", "改成提示列出的取值之一。"),
        e("E-LINT-WEIGHTS", "检查", "各部分分值之和不等于总分",
          "sections 中各部分的 weight 相加不等于 total：满分不是 total，或总分可能超过 total。",
          "修改某一部分的 weight 或 total，使两者相等。"),
        e("E-LINT-GRADES", "检查", "等级档次有缺口或重叠",
          "grades 各档须按 min ≤ 总分 < max 首尾相接，从 0 覆盖到 total（最高一档含 max）；否则有的总分没有等级，或同时属于两档。",
          "让每一档的 max 等于上一档的 min，最低一档从 0 开始，最高一档的 max 等于 total。"),
        e("E-LINT-RESCALE", "检查", "部分的分值与表上不同，却没有折算",
          "继承的规则包改了某一部分的分值（如产出 50 → 40），却没有 scale_rows: true：表上各行仍按原分值计，总分可能超过 total，自评分也无法比较。",
          "在这一部分写 scale_rows: true（各行分值与单位自评分按同一比例折算，并在计分明细中单列“分值折算”一步），或保持表上的分值。"),
        e("E-LINT-PLACEHOLDER", "检查", "说明文字用了不存在的占位符", "message 或 fix 中的 {名称} 这类规则不提供，结果中会原样显示。",
          "改正占位符（提示中给出可用的名称）。"),
        e("E-LINT-METHOD", "检查", "计分方法用到事实没有的数", "方法的公式用到的数，这类事实（applies_to）没有：计分会失败。",
          "换一个适合这类事实的方法，或改正公式。"),
        e("E-LINT-NEVER", "检查", "规则的条件永远不成立", "条件自相矛盾（如 ratio > 10 且 ratio < 5）。", "改正条件；不再需要的规则用 remove_rules 删除。",
          "warning"),
        e("E-LINT-SHADOW", "检查", "计分规则被另一条规则挡住", "它成立时，一条优先级更高（数字更小）的规则也一定成立并先被选用；或两条同优先级的规则可能同时成立。",
          "调整 priority，或收窄条件使两条规则互斥。", "warning"),
        e("E-LINT-UNIT", "检查", "百分数字段与小数比较", "事实中的百分数一律按“95% 记为 95”计；与 0.95 这样的小数比较几乎不会成立。",
          "把数值写成百分数的数字（0.95 → 95）。", "warning"),
        e("E-LINT-MODELINE", "检查", "文件缺少编辑器的 schema 行", "第一行没有 `# yaml-language-server: $schema=…`，编辑器无法边写边检查。",
          "在第一行写上提示中给出的那一行。", "warning"),
        e("E-LINT-VOCAB", "检查", "检查用到的词表是空的", "规则测试的字段由规则包词表中的一组词得出（如调查依据词、不可能超过100%的比率名称），本规则包没有列出这些词：这条检查永远不会发现问题。",
          "在 pack.yaml 的 vocabulary 下列出这组词。", "warning"),
        # ------------------------------------------------------------------ pack tests
        e("E-TEST-CASE", "测试", "测试引用的案卷无法读取", "规则包 tests/*.yaml 中的 case: 指向的文件不存在或有错。", "改正路径或案卷。"),
        # ------------------------------------------------------------------ scoring
        e("E-SCORE", "计分", "计分失败", "规则的计分方法对这一行无法算出结果。", "检查规则的计分方法与这一行的数据。"),
        e("E-FACT", "计分", "事实的字段不合规范", "引擎内部生成的事实不符合约定（多为引擎缺陷）。", "请报告这个问题。"),
        e("E-MATCHER", "计分", "规则匹配器出错", "选定的匹配器（durable/python）不可用或无法编译规则。", "改用 --matcher python，或报告这个问题。"),
        e("E-NORULE", "计分", "没有适用的评分规则", "某一行没有任何评分规则的条件成立。", "补充覆盖这类指标的评分规则，或检查该行的写法。"),
        e("E-WHY", "计分", "--why 找不到这一行", "给出的行号、指标名称或规则编号在案卷中没有。", "按提示给出行号或名称。"),
        # ------------------------------------------------------------------ import, batch, output
        e("E-IMPORT-FORMAT", "导入", "文件格式无法导入", "只能导入 Word 复制出的文本、.docx 或 .xlsx。", "另存为上述格式之一。"),
        e("E-IMPORT-SIZE", "导入", "导入的文件过大", "文件或其解压后的内容超过上限。", "确认选对了文件。"),
        e("E-IMPORT-EMPTY", "导入", "没有读到自评表", "文件中找不到绩效目标表、绩效自评表或自评报告；没有任何标题的文字，要有至少两个大纲标题（“一、”“（一）”）并提到绩效或自评，才按报告正文读入。", "确认文件内容，或手工填写案卷。"),
        e("E-IMPORT-YEAR", "导入", "没有读到年度", "表头或标题中找不到预算年度。", "在导入后的案卷中填写 year。"),
        e("E-IMPORT-MULTI", "导入", "一个文件里有几份填报", "文件中有两个或更多项目/单位的自评表，写到标准输出时无法分开。",
          "用 -o FILE（依次编号）或 --out DIR 把每份填报写成一个案卷。"),
        e("E-IMPORT-TOOL", "导入", "缺少转换或识别工具", "旧版 Office 文件（.doc/.xls/.wps/.et）需要 LibreOffice，扫描件需要 Tesseract 和 poppler-utils；本机没有，或它们出错、超时。",
          "安装提示中的 Debian 软件包（make tools 会安装），或把文件另存为 .docx/.xlsx 后再导入。"),
        e("E-IMPORT-ENCRYPTED", "导入", "文件已加密", "文件设有打开密码，无法读取。", "请报送单位提供未加密的文件，或在 Word/Excel 中去掉密码后另存。"),
        e("E-IMPORT-SCAN", "导入", "PDF 是扫描件", "PDF 没有文字层（是扫描的图片），本机又没有 OCR 工具。",
          "安装 tesseract-ocr、tesseract-ocr-chi-sim 和 poppler-utils 后重试，或索取 Word/Excel 原件。"),
        e("E-NOT-A-CASE", "读取", "这是报送的文件，不是案卷", "评分读的是案卷（YAML）；Word、Excel、PDF、网页等须先导入。",
          "先运行 jixiao import 文件 -o case.yaml，核对 review 后再评分。"),
        e("E-MIGRATE", "导入", "案卷无法迁移", "jixiao migrate 只迁移 jixiao-case/1 格式的案卷；这个文件已是新格式或不是案卷。", "确认选对了文件。"),
        e("E-UPLOAD", "输出", "上传的文件无法导入", "工作台收到的文件损坏、不是可导入的格式，或 zip 中没有可导入的文件。",
          "按提示改正后重新上传；可导入 Word、Excel、PDF、网页、文本、案卷 YAML 或它们的 zip。"),
        e("E-UPLOAD-SIZE", "输出", "上传的文件过大", "单个文件超过 20 MiB 的上限。", "确认选对了文件；过大的扫描件请压缩或分页。"),
        e("E-UPLOAD-ZIP", "输出", "zip 超过上限", "zip 中的文件数或解压后的大小超过上限（疑似压缩炸弹）。", "分批上传，或只打包需要的文件。"),
        e("E-BATCH-EMPTY", "批量", "没有可计分的文件", "给出的路径下没有 *.yaml / *.yml 文件。", "检查路径。"),
        e("E-BATCH-LOCKED", "批量", "另一次批量评分正在写这个文件夹", "--out 文件夹被另一个正在运行的 jixiao batch 占用（OUT/.jixiao-batch.lock）；两次运行的结果和汇总会混在一起。",
          "等那次运行结束，或换一个 --out 文件夹；被强行终止的运行留下的锁文件会自动接管。"),
        e("E-WORKER", "批量", "计分进程异常退出", "批量计分的某个工作进程意外结束。", "重新运行；反复出现请报告。"),
        e("E-PREVIOUS", "输出", "上年结果无法读取", "--previous 给出的目录不存在、不是目录，或其中的结果文件无法读取。",
          "给出上年 jixiao batch 的 --out 目录，或存放上年结果 JSON 的目录。"),
        e("E-PDF-RENDERER", "输出", "无法生成 PDF", "生成 PDF 需要无界面的 Chromium：本机没有，或它没有按时生成文件。",
          "安装 Debian 软件包 chromium 和 fonts-noto-cjk（make e2e 会安装），或改用 --format html / docx。"),
        e("E-OUTPUT", "输出", "结果无法写出", "输出路径不可写、磁盘已满，或会覆盖输入文件。", "换一个输出路径。"),
        e("E-OUTPUT-IS-INPUT", "输出", "输出文件就是输入文件", "-o/--output（或批量评分的汇总文件）与某个输入文件是同一个文件（按设备和 inode 判断，硬链接、符号链接都算），写入会覆盖输入。",
          "用 -o 指定另一个文件，或换一个 --out 文件夹。"),
        e("E-INTERNAL", "内部", "内部错误", "引擎缺陷，不是输入的问题。", "加 --debug 重新运行并报告。"),
    ]


REGISTRY: dict[str, ProblemCode] = {entry.code: entry for entry in _entries()}


def lookup(code: str) -> ProblemCode | None:
    """The entry for `code` (case-insensitive)."""
    return REGISTRY.get(code.strip().upper())


def markdown(entry: ProblemCode) -> str:
    kind = "错误" if entry.severity == "error" else "警告（只在 `jixiao rules lint` 中报告）"
    return (f"### {entry.code} {entry.title}\n\n"
            f"- 阶段：{entry.stage}；级别：{kind}\n- 原因：{entry.cause}\n- 怎么改：{entry.fix}\n")


def page() -> str:
    """docs/problem-codes.md, generated from the registry."""
    out = ["# 问题代码（problem codes）\n",
           "本页由 `engine/problemcodes.py` 生成（`python -m engine.problemcodes > docs/problem-codes.md`），"
           "请勿手工修改。每条消息都以代码开头，如 `pack.yaml:8:1: E-LINT-WEIGHTS: …`；"
           "`jixiao rules explain E-LINT-WEIGHTS` 在终端中显示同样的说明。"
           "“错误”使输入被拒绝（退出码 2；有错误的规则包不能用于计分）；“警告”只由 `jixiao rules lint` 报告。\n"]
    stage = None
    for entry in REGISTRY.values():
        if entry.stage != stage:
            stage = entry.stage
            out.append(f"## {stage}\n")
        out.append(markdown(entry))
    return "\n".join(out)


if __name__ == "__main__":  # pragma: no cover - the page's generator
    import sys

    sys.stdout.write(page())
