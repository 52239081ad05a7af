import * as vscode from 'vscode';

/** What every Airlock tree row carries (built by the core view models). */
export interface Row {
  readonly id: string;
  readonly label: string;
  readonly description: string;
  readonly tooltip: string;
  readonly contextValue?: string;
  readonly icon?: string;
}

/**
 * A flat tree over rows the core builds: `refresh()` re-reads them (called from events, never by polling).
 * The rows themselves are the tree elements, so a menu command receives the row it was invoked on.
 */
export class RowsTree<T extends Row> implements vscode.TreeDataProvider<T>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<T>;
  private current: readonly T[] = [];

  constructor(viewId: string, private readonly rows: () => readonly T[], private readonly icon: (row: T) => vscode.ThemeIcon | undefined = (row) => (row.icon === undefined ? undefined : new vscode.ThemeIcon(row.icon))) {
    this.view = vscode.window.createTreeView(viewId, { treeDataProvider: this, showCollapseAll: false });
  }

  /** The rows shown after the latest refresh (for tests and the countdown). */
  get shown(): readonly T[] {
    return this.current;
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(row: T): vscode.TreeItem {
    const item = new vscode.TreeItem(row.label, vscode.TreeItemCollapsibleState.None);
    item.id = row.id;
    item.description = row.description;
    item.tooltip = row.tooltip;
    if (row.contextValue !== undefined) item.contextValue = row.contextValue;
    const icon = this.icon(row);
    if (icon !== undefined) item.iconPath = icon;
    return item;
  }

  getChildren(element?: T): T[] {
    if (element !== undefined) return [];
    this.current = this.rows();
    return [...this.current];
  }

  dispose(): void {
    this.view.dispose();
    this.changed.dispose();
  }
}
